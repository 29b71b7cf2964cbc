// `make bench`: previews through the real engine and program evaluation under mocks, in one run,
// printed as one table and written to bench-results/latest.md (raw samples: latest.json).
//
//   vite-node scripts/bench/run.ts -- [--runs N] [--heavy-runs N] [--sizes 10,50,200]
//                                     [--mock-services N] [--patch file.patch] [--profile]
//                                     [--node-options "<flags for the program's node process>"] [--keep]
//                                     [--deploys-only | --skip-deploys]
//
// Everything runs in throw-away copies of the project made by scripts/lib/workspace.ts
// (createWorkspace: own file backend, own stack files, own render directories); the developer's
// state and rendered/ are never touched. --patch applies a diff to those copies only, to measure
// a proposed change before it is made. One extra, untimed local preview is always profiled
// (CPU + allocations) for the breakdown rows; --profile also keeps that profile in
// bench-results/local-preview.cpuprofile. --node-options adds flags to the program's node process
// in every preview (e.g. --stack-trace-limit=0 to attribute cost; never a recommendation by itself).
//
// The steps, in the order they run, are in runner/: setup.ts (workspaces, the `up`, stacks, warm-up),
// local-vs-floor.ts (figures 1 and 4), synthetic.ts (2), mocks.ts (3a), program-process.ts (3b, B),
// deploys.ts (the deploys on the local cluster beside their kubectl floors; --deploys-only runs
// just them, --skip-deploys leaves them out) and report.ts (the header, the table of table.ts, the files).
import { mkdirSync } from "fs";
import * as os from "os";
import type { Workspace } from "../lib/workspace";
import { localVsFloor, noopRows } from "./runner/local-vs-floor";
import { loadavg, log } from "./runner/log";
import { mockEvaluation } from "./runner/mocks";
import { type Options, parseOptions } from "./runner/options";
import { breakdownRows, programRssRows } from "./runner/program-process";
import { passphrase, pulumiRunner, type RunPulumi } from "./runner/pulumi";
import { deployRows } from "./runner/deploys";
import { countRendered } from "./runner/rendered-objects";
import { resultsDir, writeReport } from "./runner/report";
import { setUp } from "./runner/setup";
import { syntheticCatalogs } from "./runner/synthetic";
import type { Row } from "./runner/table";

async function main(): Promise<void> {
    const o = parseOptions(process.argv.slice(2));
    const runPulumi = pulumiRunner(o.nodeOptions);
    const started = new Date();
    const loadBefore = loadavg();
    log(`load average ${loadBefore} on ${os.cpus().length} CPUs${os.loadavg()[0] > 1 ? " — the machine is busy, figures will be noisy" : ""}`);
    mkdirSync(resultsDir, { recursive: true });

    const workspaces: Workspace[] = [];
    const cleanup = () => {
        if (o.keep) log(`kept workspaces: ${workspaces.map((w) => w.dir).join(" ")} (backend: <dir>/.state, passphrase ${passphrase})`);
        else workspaces.forEach((w) => w.dispose());
    };
    process.on("SIGINT", () => {
        cleanup();
        process.exit(130);
    });

    const { rows, notes, raw } = await measure(o, runPulumi, workspaces).finally(cleanup);
    writeReport({ o, started, loadBefore, rows, notes, raw });
}

/** Every step, in order; the rows and notes in the table's order, and the raw figures for latest.json. */
async function measure(o: Options, runPulumi: RunPulumi, workspaces: Workspace[]): Promise<{ rows: Row[]; notes: string[]; raw: Record<string, unknown> }> {
    if (o.deploys === "only") return deployRows(o, workspaces);
    const { bench, notes: setupNotes } = await setUp(o, runPulumi, workspaces);
    const { rounds, rows: localRows } = await localVsFloor(bench);
    const synthetic = await syntheticCatalogs(bench);
    const mocks = await mockEvaluation(o, bench.ws.dir);
    const rss = await programRssRows(bench, rounds);
    const breakdown = await breakdownRows(bench);
    const deploys = o.deploys === "with" ? await deployRows(o, workspaces) : { rows: [], notes: [], raw: {} };
    const raw = {
        ...deploys.raw,
        options: o,
        breakdown: breakdown.breakdown,
        configSizes: synthetic.sizes,
        samples: {
            localMs: rounds.local.map((r) => r.ms),
            floorMs: rounds.floor.map((r) => r.ms),
            ratios: rounds.ratios,
            noopMs: rounds.noop.map((r) => r.ms),
            programRssMb: rounds.local.map((r) => r.programRssMb),
            floorProgramRssMb: rounds.floor.map((r) => r.programRssMb),
            synthetic: Object.fromEntries(o.sizes.map((n) => [n, (synthetic.synth.get(n) ?? []).map((r) => r.ms)])),
            syntheticFailures: Object.fromEntries(synthetic.synthFailed),
            mockEval: mocks.evals,
            mockFloor: mocks.mockFloors,
            // Counted before the workspaces are cleaned up.
            up: { ms: bench.up.ms, resources: bench.upCreated, renderedFiles: countRendered(bench.renderDir) },
        },
    };
    return {
        rows: [...localRows, ...synthetic.rows, ...mocks.rows, ...rss.rows, ...breakdown.rows, ...noopRows(rounds.noop), ...deploys.rows],
        notes: [...setupNotes, ...rss.notes, ...breakdown.notes, ...deploys.notes],
        raw,
    };
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
