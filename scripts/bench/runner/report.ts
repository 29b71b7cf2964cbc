// The bench's report: a header (commit, toolchain, machine, load), the table and the notes, printed
// and written to bench-results/latest.md, with the raw samples in bench-results/latest.json.
import { spawnSync } from "child_process";
import { writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiEnv, repoRoot } from "../../lib/workspace";
import { loadavg } from "./log";
import type { Options } from "./options";
import { type Row, table } from "./table";

export const resultsDir = path.join(repoRoot, "bench-results");

export interface Report {
    o: Options;
    started: Date;
    loadBefore: string;
    rows: Row[];
    notes: string[];
    /** The raw figures for latest.json, after its rows and notes. */
    raw: Record<string, unknown>;
}

export function writeReport({ o, started, loadBefore, rows, notes, raw }: Report): void {
    const finished = new Date();
    const commit = spawnSyncOut("git", ["rev-parse", "--short", "HEAD"]) || "unknown";
    const header = [
        `# azora-platform bench — ${finished.toISOString()}`,
        "",
        `commit ${commit}${spawnSyncOut("git", ["status", "--porcelain", "--untracked-files=no"]) ? " (+ uncommitted changes)" : ""}` +
            `${o.patch ? `, with --patch ${path.relative(repoRoot, o.patch)}` : ""}` +
            `${o.nodeOptions ? `, program NODE_OPTIONS "${o.nodeOptions}"` : ""}; ` +
            `${spawnSyncOut("pulumi", ["version"], pulumiEnv())}; node ${process.version}; ${os.cpus().length} CPUs; ` +
            `load average ${loadBefore} before, ${loadavg()} after; ${((finished.getTime() - started.getTime()) / 60000).toFixed(1)} min.`,
        `Runs: ${o.runs} per light figure (1, 3 RSS, 4), ${o.heavyRuns} per heavy figure (2, 3 mocks); median, min, max over runs; ratios are per round (runs interleaved).`,
    ].join("\n");
    const md = `${header}\n\n${table(rows)}\n\n${notes.map((n) => `- ${n}`).join("\n")}\n`;
    writeFileSync(path.join(resultsDir, "latest.md"), md);
    writeFileSync(path.join(resultsDir, "latest.json"), JSON.stringify({ rows, notes, ...raw }, null, 2));
    process.stdout.write(`\n${md}\nwritten to bench-results/latest.md (raw samples: bench-results/latest.json)\n`);
}

function spawnSyncOut(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
    const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: "utf8", env });
    return r.status === 0 ? r.stdout.trim() : "";
}
