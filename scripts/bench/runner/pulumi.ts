// Running pulumi: wall time of the CLI process, the program process' peak RSS (node-probe.cjs) and,
// when asked, VmHWM sampled from /proc for every node process under the CLI as a cross-check.
import { spawn } from "child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiEnv, repoRoot, type Workspace } from "../../lib/workspace";
import { tail } from "./output";
import { descendants, nodeHwmKb } from "./proc";

/** The local and bench stacks' secrets passphrase (throw-away workspaces only). */
export const passphrase = "azora-local";
const probe = path.join(repoRoot, "scripts/bench/node-probe.cjs");

export interface PulumiRun {
    ms: number;
    code: number;
    output: string;
    /** Peak RSS of the language host's program process (…/@pulumi/pulumi/cmd/run), MB. */
    programRssMb?: number;
    /** Highest VmHWM seen by sampling /proc for node processes under the CLI, MB. */
    sampledHwmMb?: number;
    cpuProfile?: string;
    heapProfile?: string;
}

interface PulumiRunOptions {
    sample?: boolean;
    cpuProfile?: boolean;
    env?: Record<string, string>;
}

export type RunPulumi = (ws: Workspace, args: string[], cwd: string, opts?: PulumiRunOptions) => Promise<PulumiRun>;

/** A pulumi runner whose program processes get the probe plus `extraNodeOptions`; each run has a probe directory of its own. */
export function pulumiRunner(extraNodeOptions: string): RunPulumi {
    let probeSeq = 0;
    return (ws, args, cwd, opts = {}) => runPulumi(ws, args, cwd, opts, extraNodeOptions, path.join(os.tmpdir(), `azora-bench-probe-${process.pid}-${++probeSeq}`));
}

function runPulumi(ws: Workspace, args: string[], cwd: string, opts: PulumiRunOptions, extraNodeOptions: string, probeDir: string): Promise<PulumiRun> {
    const env = pulumiEnv({
        PULUMI_BACKEND_URL: `file://${ws.backend}`,
        // The bench programs live below the project root: give them the project's compiler options
        // too (ts-node otherwise looks for tsconfig.json in the program directory only).
        PULUMI_NODEJS_TSCONFIG_PATH: path.join(ws.dir, "tsconfig.json"),
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        NODE_OPTIONS: `--require ${probe}${extraNodeOptions ? ` ${extraNodeOptions}` : ""}`,
        AZORA_BENCH_PROBE_DIR: probeDir,
        ...(opts.cpuProfile ? { AZORA_BENCH_CPU_PROFILE: "1" } : {}),
        ...opts.env,
    });
    return new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const child = spawn("pulumi", [...args, "--non-interactive"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => chunks.push(b));
        child.stderr.on("data", (b: Buffer) => chunks.push(b));
        let hwm = 0;
        const timer = opts.sample
            ? setInterval(() => {
                  if (child.pid === undefined) return;
                  for (const pid of descendants(child.pid)) hwm = Math.max(hwm, nodeHwmKb(pid) ?? 0);
              }, 50)
            : undefined;
        child.on("error", (e) => reject(new Error(`could not run pulumi (${e.message}) — run 'make toolchain' first`)));
        child.on("close", (code) => {
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            if (timer) clearInterval(timer);
            const run: PulumiRun = { ms, code: code ?? -1, output: Buffer.concat(chunks).toString("utf8"), ...readProbe(probeDir) };
            if (opts.sample && hwm > 0) run.sampledHwmMb = hwm / 1024;
            resolve(run);
        });
    });
}

/** What node-probe.cjs left in `probeDir` (then removed): the program's peak RSS and any profiles. */
function readProbe(probeDir: string): Pick<PulumiRun, "programRssMb" | "cpuProfile" | "heapProfile"> {
    if (!existsSync(probeDir)) return {};
    const found: Pick<PulumiRun, "programRssMb" | "cpuProfile" | "heapProfile"> = {};
    const reports = readdirSync(probeDir).filter((f) => f.startsWith("rss-"));
    const peaks = reports.map((f) => (JSON.parse(readFileSync(path.join(probeDir, f), "utf8")) as { maxRssKb: number }).maxRssKb);
    if (peaks.length > 0) found.programRssMb = Math.max(...peaks) / 1024;
    const prof = readdirSync(probeDir).find((f) => f.endsWith(".cpuprofile"));
    if (prof) found.cpuProfile = readFileSync(path.join(probeDir, prof), "utf8");
    const heap = readdirSync(probeDir).find((f) => f.endsWith(".heapprofile"));
    if (heap) found.heapProfile = readFileSync(path.join(probeDir, heap), "utf8");
    rmSync(probeDir, { recursive: true, force: true });
    return found;
}

export function must(run: PulumiRun, what: string): PulumiRun {
    if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${tail(run.output, 40)}`);
    return run;
}
