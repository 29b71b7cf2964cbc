// The deploy rows (issue 19): `pulumi up` of the e2e stack into a new local cluster, a no-op `up`, a
// one-service config change, a one-service new digest (migration Job, then rollout) and `destroy`,
// each beside its floor measured in the same run — the same rendered objects through
// `kubectl apply --server-side` in ordered waves with kubectl's own waits, and `kubectl delete --wait`
// — on a cluster of its own (scripts/cluster.sh, new for each side). The first `up`'s critical path
// (scripts/bench/critical-path.ts) goes to the notes, and one more first `up` with the engine's
// per-step checkpoints on shows what a real environment's deploy pays for them on a file backend.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { jobRoleLabel, jobRoles } from "../../../model/cluster-metrics";
import { type LocalCluster, withFreshCluster } from "../../lib/cluster";
import { deployParallelism, type RunResult, type Workspace } from "../../lib/workspace";
import { report, type StateResource } from "../critical-path";
import { log } from "./log";
import type { Options } from "./options";
import { stat, type Row } from "./table";
import { newWorkspace } from "./workspaces";

const stack = "e2e";
const passphrase = "azora-e2e";
/** The e2e suite's own changes (test/integration/e2e.test.ts): a feature flag of one service, a digest of another. */
const changes = {
    config: (c: Record<string, unknown>) => {
        const workloads = c["azora-platform:workloads"] as { services?: Record<string, unknown> };
        workloads.services = { ...workloads.services, "azora-mint": { featureFlags: { newCheckout: false } } };
    },
    digest: (c: Record<string, unknown>) => {
        const images = c["azora-platform:images"] as { digests?: Record<string, string> };
        images.digests = { ...images.digests, "azora-pay": `sha256:${"be9c".repeat(16)}` };
    },
} as const;
type Change = keyof typeof changes;

interface RenderedObject {
    file: string;
    kind: string;
    name: string;
    namespace?: string;
    labels: Record<string, string>;
}

/** One object per rendered file (the provider's render mode writes them so). */
function renderedObjects(dir: string): RenderedObject[] {
    const out: RenderedObject[] = [];
    const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".yaml"))
                for (const doc of parseAllDocuments(readFileSync(p, "utf8"))) {
                    const o = doc.toJS() as {
                        kind?: string;
                        metadata?: { name: string; namespace?: string; labels?: Record<string, string> };
                    } | null;
                    if (o?.kind && o.metadata) {
                        const { name, namespace, labels = {} } = o.metadata;
                        out.push({ file: p, kind: o.kind, name, namespace, labels });
                    }
                }
        }
    };
    walk(dir);
    return out;
}

/** The e2e stack's objects rendered to directories: as deployed, after the config change, after the new digest as well. */
async function renderE2eStack(ws: Workspace, into: string): Promise<Record<"base" | Change, string>> {
    const renderDir = path.join(ws.dir, "rendered-e2e");
    await ws.initStack(stack, passphrase);
    const dirs = { base: "", config: "", digest: "" };
    for (const step of ["base", "config", "digest"] as const) {
        ws.editStack(stack, (c) => {
            const k = c["azora-platform:kubernetes"] as Record<string, unknown>;
            delete k.context;
            delete k.kubeconfig;
            k.renderDirectory = renderDir;
            if (step !== "base") changes[step](c);
        });
        const r = await ws.run(["up", "--yes", "--skip-preview", "--suppress-progress", "--suppress-outputs", "--stack", stack], {
            passphrase,
        });
        if (r.code !== 0) throw new Error(`rendering the e2e stack (${step}) failed:\n${r.output.slice(-3000)}`);
        dirs[step] = path.join(into, step);
        rmSync(dirs[step], { recursive: true, force: true });
        cpSync(renderDir, dirs[step], { recursive: true });
    }
    return dirs;
}

const timed = async (what: () => Promise<unknown>): Promise<number> => {
    const t0 = Date.now();
    await what();
    return Date.now() - t0;
};

/**
 * The floor of an `up` with the same guarantees: the objects applied server-side in waves —
 * namespaces and cluster-wide objects; everything but Jobs, Deployments and HPAs; the releases' backup
 * Jobs, then the migration Jobs, each awaited complete; the Deployments and HPAs — then every
 * Deployment, StatefulSet and DaemonSet rolled out.
 */
async function applyInWaves(cluster: LocalCluster, objects: RenderedObject[]): Promise<void> {
    const apply = (objs: RenderedObject[]) =>
        objs.length === 0
            ? Promise.resolve("")
            : cluster.kubectl(["apply", "--server-side", "--force-conflicts", ...objs.flatMap((o) => ["-f", o.file])]);
    const late = new Set(["Job", "Deployment", "HorizontalPodAutoscaler"]);
    await apply(objects.filter((o) => !o.namespace && !late.has(o.kind)));
    await apply(objects.filter((o) => o.namespace && !late.has(o.kind)));
    // Each release's backup Jobs, awaited, then its migrations, awaited: the order `up` keeps.
    const jobs = objects.filter((o) => o.kind === "Job");
    const backups = jobs.filter((j) => j.labels[jobRoleLabel] === jobRoles.backup);
    for (const wave of [backups, jobs.filter((j) => !backups.includes(j))]) {
        await apply(wave);
        if (wave.length > 0)
            await cluster.kubectl(["wait", "--for=condition=complete", "--timeout=300s", ...wave.flatMap((j) => ["-f", j.file])]);
    }
    await apply(objects.filter((o) => o.kind === "Deployment" || o.kind === "HorizontalPodAutoscaler"));
    await Promise.all(
        objects
            .filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind))
            .map((o) =>
                cluster.kubectl([
                    "rollout",
                    "status",
                    `${o.kind.toLowerCase()}/${o.name}`,
                    "-n",
                    o.namespace ?? "default",
                    "--timeout=300s",
                ]),
            ),
    );
}

/** How every `up` and `destroy` here runs: unattended, quiet, with the stacks' parallelism. */
const deployFlags = [
    "--yes",
    "--skip-preview",
    "--suppress-progress",
    "--suppress-outputs",
    "--parallel",
    String(deployParallelism),
];

/** No-op `up`s and previews, interleaved: the two are close, so one of each would only compare noise. */
const noopRounds = 3;

interface DeployFigures {
    firstUp: number;
    noop: number[];
    preview: number[];
    config: number;
    digest: number;
    destroy: number;
    resources: number;
    criticalPath: string;
}

type FloorFigures = Omit<DeployFigures, "noop" | "preview" | "resources" | "criticalPath"> & { noop: number };

function kubectlSide(dirs: Record<"base" | Change, string>): Promise<FloorFigures> {
    return withFreshCluster(async (cluster) => {
        const base = renderedObjects(dirs.base);
        const firstUp = await timed(() => applyInWaves(cluster, base));
        const noop = await timed(() => applyInWaves(cluster, base));
        const config = await timed(() => applyInWaves(cluster, renderedObjects(dirs.config)));
        const digestObjects = renderedObjects(dirs.digest);
        const digest = await timed(() => applyInWaves(cluster, digestObjects));
        const destroy = await timed(() =>
            cluster.kubectl([
                "delete",
                "--wait=true",
                "--ignore-not-found",
                "--timeout=300s",
                ...[...digestObjects].reverse().flatMap((o) => ["-f", o.file]),
            ]),
        );
        return { firstUp, noop, config, digest, destroy };
    });
}

/** Runs pulumi on the e2e stack of `ws` against `cluster`; throws with the output's tail on failure. */
function e2eStackRunner(ws: Workspace, cluster: LocalCluster, env: Record<string, string>) {
    return async (args: string[]): Promise<RunResult> => {
        const r = await ws.run([...args, "--stack", stack], { passphrase, env: { KUBECONFIG: cluster.kubeconfig, ...env } });
        if (r.code !== 0) throw new Error(`pulumi ${args[0]} of the e2e stack failed:\n${r.output.slice(-3000)}`);
        return r;
    };
}

function pulumiSide(ws: Workspace, eventLog: string): Promise<DeployFigures> {
    return withFreshCluster(async (cluster) => {
        await ws.initStack(stack, passphrase);
        const run = e2eStackRunner(ws, cluster, { PULUMI_DEBUG_COMMANDS: "true" });
        let created = "";
        const firstUp = await timed(async () => (created = (await run(["up", ...deployFlags, "--event-log", eventLog])).output));
        const exported = JSON.parse((await run(["stack", "export"])).stdout) as { deployment: { resources: StateResource[] } };
        const noop: number[] = [];
        const preview: number[] = [];
        for (let i = 0; i < noopRounds; i++) {
            noop.push(await timed(() => run(["up", ...deployFlags, "--expect-no-changes"])));
            preview.push(await timed(() => run(["preview", "--suppress-progress", "--suppress-outputs", "--expect-no-changes"])));
        }
        ws.editStack(stack, changes.config);
        const config = await timed(() => run(["up", ...deployFlags]));
        ws.editStack(stack, changes.digest);
        const digest = await timed(() => run(["up", ...deployFlags]));
        const destroy = await timed(() => run(["destroy", ...deployFlags]));
        return {
            firstUp,
            noop,
            preview,
            config,
            digest,
            destroy,
            resources: Number(/\+ (\d+) created/.exec(created)?.[1] ?? Number.NaN),
            criticalPath: report(readFileSync(eventLog, "utf8"), exported.deployment.resources, 12),
        };
    });
}

/** A first `up` as a real environment runs it on this backend: a checkpoint of the whole state around every step. */
function firstUpWithCheckpoints(ws: Workspace): Promise<number> {
    return withFreshCluster(async (cluster) => {
        await ws.initStack(stack, passphrase);
        const run = e2eStackRunner(ws, cluster, { PULUMI_SKIP_CHECKPOINTS: "false" });
        return timed(() => run(["up", ...deployFlags]));
    });
}

const ratioRow = (figure: string, ours: number, floor: number, limit: number): Row => ({
    figure,
    unit: "×",
    stat: stat([ours / floor]),
    target: `≤ ${limit}×`,
    pass: ours / floor <= limit,
});

/** No-op up against preview, per interleaved round; met when the median round is no slower. */
function noopRow(noop: number[], preview: number[]): Row {
    const ratios = stat(noop.map((n, i) => n / preview[i]));
    return {
        figure: "… no-op up / preview, per round",
        unit: "×",
        stat: ratios,
        target: "≤ 1×",
        pass: ratios !== undefined && ratios.median <= 1,
    };
}

/** The deploy rows (one run of each figure, the no-op figures in interleaved rounds) and the first up's critical path. */
export async function deployRows(
    o: Options,
    workspaces: Workspace[],
): Promise<{ rows: Row[]; notes: string[]; raw: Record<string, unknown> }> {
    const scratch = mkdtempSync(path.join(os.tmpdir(), "azora-bench-deploys-"));
    try {
        // Workspaces of the bench's own kind, so --patch applies to the deploys too.
        const [render, pulumiWs, checkpointWs] = [newWorkspace(o), newWorkspace(o), newWorkspace(o)];
        workspaces.push(render, pulumiWs, checkpointWs);
        mkdirSync(scratch, { recursive: true });
        log("deploys: rendering the e2e stack's objects (as deployed, config change, new digest)");
        const dirs = await renderE2eStack(render, scratch);
        log("deploys: the floor — kubectl apply --server-side in waves, on a new cluster");
        const floor = await kubectlSide(dirs);
        log("deploys: pulumi up / no-op / config change / new digest / destroy, on a new cluster");
        const ours = await pulumiSide(pulumiWs, path.join(scratch, "first-up.events.jsonl"));
        log("deploys: a first up with per-step checkpoints, on a new cluster");
        const withCheckpoints = await firstUpWithCheckpoints(checkpointWs);
        const s = (ms: number) => stat([ms]);
        const rows: Row[] = [
            {
                figure: `deploy: first \`up\` of the e2e stack, ${ours.resources} resources, new cluster`,
                unit: "s",
                stat: s(ours.firstUp),
            },
            {
                figure: "… floor: the rendered objects through kubectl apply --server-side in waves, and kubectl's waits",
                unit: "s",
                stat: s(floor.firstUp),
            },
            ratioRow("… ratio first up / floor", ours.firstUp, floor.firstUp, 2),
            { figure: "deploy: no-op `up`", unit: "s", stat: stat(ours.noop) },
            {
                figure: "… a no-op preview of the same stack (interleaved with the no-op ups)",
                unit: "s",
                stat: stat(ours.preview),
            },
            noopRow(ours.noop, ours.preview),
            { figure: "deploy: one service's config change (ConfigMap, rollout)", unit: "s", stat: s(ours.config) },
            { figure: "… floor: the changed rendering through kubectl, and the waits", unit: "s", stat: s(floor.config) },
            ratioRow("… ratio config change / floor", ours.config, floor.config, 2),
            { figure: "deploy: one service's new digest (migration Job, then rollout)", unit: "s", stat: s(ours.digest) },
            {
                figure: "… floor: the changed rendering through kubectl, Job awaited, then the rollout",
                unit: "s",
                stat: s(floor.digest),
            },
            ratioRow("… ratio new digest / floor", ours.digest, floor.digest, 2),
            { figure: "deploy: destroy", unit: "s", stat: s(ours.destroy) },
            { figure: "… floor: kubectl delete --wait of the rendered objects", unit: "s", stat: s(floor.destroy) },
            ratioRow("… ratio destroy / floor", ours.destroy, floor.destroy, 2),
            {
                figure: "deploy: first `up` with a checkpoint around every step (a real environment's, on a file backend)",
                unit: "s",
                stat: s(withCheckpoints),
            },
        ];
        const notes = [`first \`up\`'s critical path (scripts/bench/attribute.ts):\n\n\`\`\`\n${ours.criticalPath}\n\`\`\``];
        return { rows, notes, raw: { deploys: { ours, floor, withCheckpoints } } };
    } finally {
        rmSync(scratch, { recursive: true, force: true });
    }
}
