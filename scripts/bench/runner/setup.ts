// The set-up (not timed): two workspaces, an `up` of the local stack whose rendered objects the engine
// floor registers, the stacks of every program, and one untimed warm-up preview of each.
import * as path from "path";
import type { Workspace } from "../../lib/workspace";
import { log } from "./log";
import type { Options } from "./options";
import { resourceCounts } from "./output";
import { must, type PulumiRun, type RunPulumi } from "./pulumi";
import { copyRenderedObjects } from "./rendered-objects";
import { initStack, localConfigFor, newWorkspace, writeStackConfig } from "./workspaces";

/** What the measurements run against. */
export interface Bench {
    o: Options;
    runPulumi: RunPulumi;
    /** The workspace of the `up` and the no-op previews. */
    wsUp: Workspace;
    /** The workspace of the fresh previews (local stack, floor, synthetic catalogs). */
    ws: Workspace;
    floorDir: string;
    synthDir: string;
    /** Where the `up` rendered the local stack's objects. */
    renderDir: string;
    up: PulumiRun;
    /** Resources the `up` created. */
    upCreated: number;
    /** Rendered object files the floor registers. */
    floorObjects: number;
    /** Resources the warm-up previews of the local stack and of the floor would create. */
    localCount: number;
    floorCount: number;
}

/** Sets up the bench; every workspace it creates is added to `workspaces` at once, for the caller to clean up. */
export async function setUp(o: Options, runPulumi: RunPulumi, workspaces: Workspace[]): Promise<{ bench: Bench; notes: string[] }> {
    // --- set-up (not timed): an `up` of the local stack renders the objects the floor registers.
    const wsUp = newWorkspace(o);
    const ws = newWorkspace(o);
    workspaces.push(wsUp, ws);
    log(`workspaces ${wsUp.dir} (up, no-op) and ${ws.dir} (fresh previews)`);
    await initStack(runPulumi, wsUp, "local", wsUp.dir);
    log("pulumi up of the local stack (set-up, not timed)");
    // Skip the per-step checkpoints: the file backend rewrites the whole (multi-MB) state after every
    // step, which dominates the `up` and is not what is measured here. The final state is identical.
    const up = must(
        await runPulumi(wsUp, ["up", "--yes", "--skip-preview", "--stack", "local"], wsUp.dir, { env: { PULUMI_SKIP_CHECKPOINTS: "true" } }),
        "pulumi up (local)",
    );
    const upCreated = Number(/\+ ([0-9]+) created/.exec(up.output)?.[1] ?? 0);
    const renderDir = path.join(wsUp.dir, "rendered/local");
    const floorDir = path.join(ws.dir, "scripts/bench/floor");
    const copied = copyRenderedObjects(renderDir, path.join(floorDir, "objects"));
    const notes = [
        `Floor: ${copied.files} rendered object files from the local stack's \`up\`, one flat ConfigGroup` +
            (copied.crdStubs.length ? `, plus ${copied.crdStubs.length} CRD stub(s) so ConfigGroup v2 can scope ${copied.crdStubs.join(", ")} offline.` : "."),
    ];

    await initStack(runPulumi, ws, "local", ws.dir);
    await initStack(runPulumi, ws, "floor", floorDir);
    const synthDir = path.join(ws.dir, "scripts/bench/synthetic");
    for (const n of o.sizes) {
        await initStack(runPulumi, ws, `s${n}`, synthDir);
        writeStackConfig(synthDir, `s${n}`, localConfigFor("azora-platform-bench", { "bench:services": n }, `rendered/s${n}`));
    }

    // --- warm-up: one untimed preview of each program (file cache, ts-node's transpile cache).
    log("warm-up previews (not timed)");
    const warmLocal = must(await runPulumi(ws, ["preview", "--stack", "local"], ws.dir), "preview (local)");
    const warmFloor = must(await runPulumi(ws, ["preview", "--stack", "floor"], floorDir), "preview (floor)");
    await runPulumi(ws, ["preview", "--stack", `s${o.sizes[0]}`], synthDir);
    const localCount = resourceCounts(warmLocal.output).create;
    const floorCount = resourceCounts(warmFloor.output).create;
    // A floor that lost its objects (a wrong path) would make every ratio meaningless.
    if (floorCount < copied.files) {
        throw new Error(`the floor preview registers ${floorCount} resources for ${copied.files} copied objects: it did not load them`);
    }
    const bench = { o, runPulumi, wsUp, ws, floorDir, synthDir, renderDir, up, upCreated, floorObjects: copied.files, localCount, floorCount };
    return { bench, notes };
}
