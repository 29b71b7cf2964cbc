// Figures 1 and 4: the local stack's preview against its engine floor, and the no-op preview after the
// `up`, in interleaved rounds so drift hits all three alike.
import { log } from "./log";
import { firstError, resourceCounts } from "./output";
import { must, type PulumiRun } from "./pulumi";
import type { Bench } from "./setup";
import { type Row, stat } from "./table";

export interface LocalRounds {
    local: PulumiRun[];
    floor: PulumiRun[];
    noop: PulumiRun[];
    /** local / floor, per round. */
    ratios: number[];
}

/** The rounds (figures 1, 3b and 4 are read from them), and figure 1's rows. */
export async function localVsFloor(b: Bench): Promise<{ rounds: LocalRounds; rows: Row[] }> {
    const { o, runPulumi, ws, wsUp, floorDir, floorObjects, localCount, floorCount } = b;
    const local: PulumiRun[] = [];
    const floor: PulumiRun[] = [];
    const noop: PulumiRun[] = [];
    for (let r = 1; r <= o.runs; r++) {
        log(`round ${r}/${o.runs}: local preview, floor preview, no-op preview`);
        local.push(must(await runPulumi(ws, ["preview", "--stack", "local"], ws.dir), "preview (local)"));
        floor.push(must(await runPulumi(ws, ["preview", "--stack", "floor"], floorDir), "preview (floor)"));
        noop.push(await runPulumi(wsUp, ["preview", "--stack", "local", "--expect-no-changes"], wsUp.dir));
    }
    const ratios = local.map((l, i) => l.ms / floor[i].ms);
    const sRatio = stat(ratios);
    const rows: Row[] = [
        { figure: `1. Local stack preview (${localCount} resources, fresh stack)`, unit: "s", stat: stat(local.map((r) => r.ms)) },
        { figure: `1. Engine floor preview (same ${floorObjects} objects, flat ConfigGroup; ${floorCount} resources)`, unit: "s", stat: stat(floor.map((r) => r.ms)) },
        { figure: "1. Ratio local / floor (per round)", unit: "×", stat: sRatio, target: "≤ 1.15×", pass: (sRatio?.median ?? Infinity) <= 1.15 },
    ];
    // The floor registers fewer resources (no components, no random secrets): the same ratio per
    // resource tells engine work apart from the program's own overhead.
    if (localCount > 0 && floorCount > 0) {
        rows.push({
            figure: `1. … per resource: (local / ${localCount}) / (floor / ${floorCount}) (per round)`,
            unit: "×",
            stat: stat(local.map((l, i) => l.ms / localCount / (floor[i].ms / floorCount))),
        });
    }
    return { rounds: { local, floor, noop, ratios }, rows };
}

/** Figure 4: the no-op previews' time, and whether every one saw zero changes. */
export function noopRows(noop: PulumiRun[]): Row[] {
    const noopOk = noop.every((r) => r.code === 0);
    const noopCounts = noop.map((r) => resourceCounts(r.output));
    const zero = noopOk && noopCounts.every((c) => c.changes === 0 && c.unchanged > 0);
    return [
        {
            figure: `4. No-op preview after up (${noopCounts[0]?.unchanged ?? 0} unchanged)`,
            unit: "s",
            stat: stat(noop.filter((r) => r.code === 0).map((r) => r.ms)),
        },
        {
            figure: "4. Zero changes (--expect-no-changes exit 0, every run)",
            unit: "",
            text: zero ? "yes" : `no — ${noop.map((r) => (r.code === 0 ? "ok" : firstError(r.output))).join("; ")}`,
            target: "0 changes",
            pass: zero,
        },
    ];
}
