// Figure 3b and the breakdown: the program process' peak RSS during the local-stack previews of
// figure 1 (and the floor's, for scale), cross-checked by one sampled preview, and one more preview
// under the CPU and allocation profilers (both untimed).
import { writeFileSync } from "fs";
import * as path from "path";
import { type CpuProfile, type HeapProfile, type ProgramBreakdown, programBreakdown } from "../profile";
import type { LocalRounds } from "./local-vs-floor";
import { log } from "./log";
import { must, type PulumiRun } from "./pulumi";
import { resultsDir } from "./report";
import type { Bench } from "./setup";
import { type Row, stat } from "./table";

const programRss = (runs: PulumiRun[]) => runs.flatMap((r) => (r.programRssMb === undefined ? [] : [r.programRssMb]));

export async function programRssRows(b: Bench, rounds: LocalRounds): Promise<{ rows: Row[]; notes: string[] }> {
    const rss = stat(programRss(rounds.local));
    const rows: Row[] = [
        {
            figure: "3. Program (language host node) peak RSS, local preview",
            unit: "MB",
            stat: rss,
            ...(rss ? {} : { text: "not measured (probe did not report)" }),
            target: "< 300 MB",
            pass: rss ? rss.median < 300 : false,
        },
        { figure: "3. … the floor program's node peak RSS (2-line program)", unit: "MB", stat: stat(programRss(rounds.floor)) },
    ];
    log("cross-check: one more local preview with /proc VmHWM sampling (not timed)");
    const sampled = must(await b.runPulumi(b.ws, ["preview", "--stack", "local"], b.ws.dir, { sample: true }), "preview (local, sampled)");
    const notes = [
        `RSS cross-check (one extra local preview): getrusage maxrss of the program process ${sampled.programRssMb?.toFixed(0) ?? "?"} MB; ` +
            `highest VmHWM sampled every 50 ms from /proc over node processes under the CLI ${sampled.sampledHwmMb?.toFixed(0) ?? "?"} MB.`,
    ];
    return { rows, notes };
}

/** The B rows, from one profiled local preview; with --profile, the profiles are kept in bench-results/. */
export async function breakdownRows(b: Bench): Promise<{ breakdown?: ProgramBreakdown; rows: Row[]; notes: string[] }> {
    log("breakdown: one more local preview under the CPU and allocation profilers (not timed)");
    const profiled = must(await b.runPulumi(b.ws, ["preview", "--stack", "local"], b.ws.dir, { cpuProfile: true }), "preview (local, profiled)");
    if (!profiled.cpuProfile) return { rows: [], notes: [] };
    const breakdown = programBreakdown(
        JSON.parse(profiled.cpuProfile) as CpuProfile,
        b.ws.dir,
        "/index.ts",
        profiled.heapProfile ? (JSON.parse(profiled.heapProfile) as HeapProfile) : undefined,
    );
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const text = (figure: string, value: string): Row => ({ figure, unit: "", text: value });
    const rows: Row[] = [
        text("B. Program process CPU, local preview (1 profiled run)", ms(breakdown.totalMs)),
        text("B. … loading the program's own modules (+ zod, yaml, Grafana SDK)", ms(breakdown.programModulesMs)),
        text("B. … new Platform(): Pulumi SDK registering resources", ms(breakdown.platformSdkMs)),
        text("B. … new Platform(): the program's own logic", ms(breakdown.platformProgramMs)),
        text("B. … formatting Error stacks, whole run (SDK captures one per promise)", ms(breakdown.stackTraceMs)),
    ];
    if (breakdown.stackTraceAllocShare !== undefined) {
        rows.push(text(`B. Allocations while formatting Error stacks (of ${breakdown.allocatedMb?.toFixed(0)} MB allocated)`, `${(breakdown.stackTraceAllocShare * 100).toFixed(0)} %`));
    }
    const notes: string[] = [];
    if (b.o.profile) {
        writeFileSync(path.join(resultsDir, "local-preview.cpuprofile"), profiled.cpuProfile);
        if (profiled.heapProfile) writeFileSync(path.join(resultsDir, "local-preview.heapprofile"), profiled.heapProfile);
        notes.push("Profiles of the program process: bench-results/local-preview.cpuprofile and .heapprofile (Chrome DevTools › Performance / Memory).");
    }
    return { breakdown, rows, notes };
}
