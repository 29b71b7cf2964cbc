// `make bench`: previews through the real engine and program evaluation under mocks, in one run,
// printed as one table and written to bench-results/latest.md (raw samples: latest.json).
//
//   vite-node scripts/bench/run.ts -- [--runs N] [--heavy-runs N] [--sizes 10,50,200]
//                                     [--mock-services N] [--patch file.patch] [--profile]
//                                     [--node-options "<flags for the program's node process>"] [--keep]
//
// Everything runs in throw-away copies of the project made by scripts/lib/workspace.ts
// (createWorkspace: own file backend, own stack files, own render directories); the developer's
// state and rendered/ are never touched. --patch applies a diff to those copies only, to measure
// a proposed change before it is made. One extra, untimed local preview is always profiled
// (CPU + allocations) for the breakdown rows; --profile also keeps that profile in
// bench-results/local-preview.cpuprofile. --node-options adds flags to the program's node process
// in every preview (e.g. --stack-trace-limit=0 to attribute cost; never a recommendation by itself).
import { spawn, spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { createWorkspace, pulumiEnv, repoRoot, type Workspace } from "../lib/workspace";
import type { ConfigSizes } from "./config-sizes";
import type { MockEvalResult } from "./mock-eval";
import { type CpuProfile, type HeapProfile, type ProgramBreakdown, programBreakdown } from "./profile";

const passphrase = "azora-local";
const resultsDir = path.join(repoRoot, "bench-results");
const probe = path.join(repoRoot, "scripts/bench/node-probe.cjs");

// ------------------------------------------------------------------------------------------------
// Options

interface Options {
    runs: number;
    heavyRuns: number;
    sizes: number[];
    mockServices: number;
    patch?: string;
    profile: boolean;
    /** Extra NODE_OPTIONS for the program process of every preview (attribution experiments). */
    nodeOptions: string;
    /** Keep the throw-away workspaces (for poking at them afterwards). */
    keep: boolean;
}

function options(argv: string[]): Options {
    const o: Options = { runs: 5, heavyRuns: 3, sizes: [10, 50, 200], mockServices: 1000, profile: false, nodeOptions: "", keep: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = (): string => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value`);
            return v;
        };
        if (a === "--") continue;
        else if (a === "--runs") o.runs = positive(a, next());
        else if (a === "--heavy-runs") o.heavyRuns = positive(a, next());
        else if (a === "--sizes") o.sizes = next().split(",").map((s) => positive(a, s));
        else if (a === "--mock-services") o.mockServices = positive(a, next());
        else if (a === "--patch") o.patch = path.resolve(next());
        else if (a === "--profile") o.profile = true;
        else if (a === "--node-options") o.nodeOptions = next();
        else if (a === "--keep") o.keep = true;
        else throw new Error(`unknown option ${a}`);
    }
    if (o.sizes.length < 2) throw new Error("--sizes needs at least two sizes (growth is largest/smallest)");
    o.sizes.sort((x, y) => x - y);
    return o;
}

function positive(flag: string, v: string): number {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got "${v}"`);
    return n;
}

// ------------------------------------------------------------------------------------------------
// Statistics and the table

interface Stat {
    median: number;
    min: number;
    max: number;
    n: number;
}

function stat(xs: readonly number[]): Stat | undefined {
    if (xs.length === 0) return undefined;
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

interface Row {
    figure: string;
    unit: "s" | "ms" | "MB" | "×" | "";
    stat?: Stat;
    /** Shown instead of numbers (failure, or a yes/no figure). */
    text?: string;
    target?: string;
    /** undefined: informational row, no verdict. */
    pass?: boolean;
}

function fmt(v: number, unit: Row["unit"]): string {
    if (unit === "s") return `${(v / 1000).toFixed(2)} s`;
    if (unit === "ms") return `${v.toFixed(0)} ms`;
    if (unit === "MB") return `${v.toFixed(0)} MB`;
    if (unit === "×") return `${v.toFixed(2)}×`;
    return String(v);
}

function table(rows: Row[]): string {
    const head = ["Figure", "Median", "Min", "Max", "Runs", "Target", "Result"];
    const body = rows.map((r) => [
        r.figure,
        r.stat ? fmt(r.stat.median, r.unit) : (r.text ?? "—"),
        r.stat ? fmt(r.stat.min, r.unit) : "",
        r.stat ? fmt(r.stat.max, r.unit) : "",
        r.stat ? String(r.stat.n) : "",
        r.target ?? "",
        r.pass === undefined ? "" : r.pass ? "PASS" : "MISS",
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

// ------------------------------------------------------------------------------------------------
// Running pulumi: wall time of the CLI process, the program process' peak RSS (node-probe.cjs) and,
// when asked, VmHWM sampled from /proc for every node process under the CLI as a cross-check.

interface PulumiRun {
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

let probeSeq = 0;

function descendants(root: number): number[] {
    const parentOf = new Map<number, number>();
    for (const e of readdirSync("/proc")) {
        if (!/^[0-9]+$/.test(e)) continue;
        try {
            const stat = readFileSync(`/proc/${e}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            parentOf.set(Number(e), ppid);
        } catch {
            // gone between readdir and read
        }
    }
    const out: number[] = [];
    const frontier = [root];
    while (frontier.length > 0) {
        const p = frontier.pop() as number;
        for (const [pid, ppid] of parentOf) {
            if (ppid === p) {
                out.push(pid);
                frontier.push(pid);
            }
        }
    }
    return out;
}

function nodeHwmKb(pid: number): number | undefined {
    try {
        if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "node") return undefined;
        const m = /VmHWM:\s+([0-9]+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : undefined;
    } catch {
        return undefined;
    }
}

let extraNodeOptions = "";

function runPulumi(
    ws: Workspace,
    args: string[],
    cwd: string,
    opts: { sample?: boolean; cpuProfile?: boolean; env?: Record<string, string> } = {},
): Promise<PulumiRun> {
    const probeDir = path.join(os.tmpdir(), `azora-bench-probe-${process.pid}-${++probeSeq}`);
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
            const run: PulumiRun = { ms, code: code ?? -1, output: Buffer.concat(chunks).toString("utf8") };
            if (existsSync(probeDir)) {
                const reports = readdirSync(probeDir).filter((f) => f.startsWith("rss-"));
                const peaks = reports.map((f) => (JSON.parse(readFileSync(path.join(probeDir, f), "utf8")) as { maxRssKb: number }).maxRssKb);
                if (peaks.length > 0) run.programRssMb = Math.max(...peaks) / 1024;
                const prof = readdirSync(probeDir).find((f) => f.endsWith(".cpuprofile"));
                if (prof) run.cpuProfile = readFileSync(path.join(probeDir, prof), "utf8");
                const heap = readdirSync(probeDir).find((f) => f.endsWith(".heapprofile"));
                if (heap) run.heapProfile = readFileSync(path.join(probeDir, heap), "utf8");
                rmSync(probeDir, { recursive: true, force: true });
            }
            if (opts.sample && hwm > 0) run.sampledHwmMb = hwm / 1024;
            resolve(run);
        });
    });
}

function must(run: PulumiRun, what: string): PulumiRun {
    if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${tail(run.output, 40)}`);
    return run;
}

function tail(text: string, lines: number): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The first error line of a failed run, for the table. */
function firstError(output: string): string {
    const lines = output.split("\n");
    // A program exception: the engine prints "…failed with an unhandled exception:" then the error itself.
    const exception = lines.find((l) => /^\s*(\w*Error|RunError)\b.*: /.test(l));
    const line = exception ?? lines.find((l) => /^\s*error: /.test(l)) ?? tail(output, 1);
    return line.trim().replace(/\s+/g, " ").slice(0, 140);
}

function resourceCounts(output: string): { create: number; unchanged: number; changes: number } {
    const n = (re: RegExp) => Number(re.exec(output)?.[1] ?? 0);
    return {
        create: n(/\+ ([0-9]+) to create/),
        unchanged: n(/([0-9]+) unchanged/),
        changes: n(/~ ([0-9]+) to update/) + n(/- ([0-9]+) to delete/) + n(/\+- ([0-9]+) to replace/) + n(/\+ ([0-9]+) to create/),
    };
}

// ------------------------------------------------------------------------------------------------
// Workspaces and stacks

function newWorkspace(o: Options): Workspace {
    const ws = createWorkspace("azora-bench-");
    cpSync(path.join(repoRoot, "scripts/bench"), path.join(ws.dir, "scripts/bench"), { recursive: true });
    if (o.patch) {
        const r = spawnSyncOk("git", ["apply", "--whitespace=nowarn", o.patch], ws.dir);
        if (r) throw new Error(`--patch ${o.patch} does not apply to the workspace copy:\n${r}`);
    }
    return ws;
}

function spawnSyncOk(cmd: string, args: string[], cwd: string): string | undefined {
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
    return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`;
}

async function initStack(ws: Workspace, stack: string, cwd: string): Promise<void> {
    const r = await runPulumi(ws, ["stack", "init", stack, "--secrets-provider", "passphrase"], cwd);
    must(r, `stack init ${stack}`);
}

/** Pulumi.local.yaml's config under another project's prefix, plus extra keys. */
function localConfigFor(project: string, extra: Record<string, unknown>, renderDirectory: string): Record<string, unknown> {
    const doc = parse(readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config)) {
        config[key.replace(/^azora-platform:/, `${project}:`)] = value;
    }
    const k8sKey = `${project}:kubernetes`;
    config[k8sKey] = { ...(config[k8sKey] as Record<string, unknown>), renderDirectory };
    return { ...config, ...extra };
}

function writeStackConfig(dir: string, stack: string, config: Record<string, unknown>): void {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const doc = existsSync(file) ? ((parse(readFileSync(file, "utf8")) as Record<string, unknown> | null) ?? {}) : {};
    writeFileSync(file, stringify({ ...doc, config }));
}

/** Every rendered object file, plus a CRD stub for each custom kind among them (see below). */
function copyRenderedObjects(renderDir: string, objectsDir: string): { files: number; crdStubs: string[] } {
    mkdirSync(objectsDir, { recursive: true });
    const builtinGroups = /^(v1|apps\/v1|batch\/v1|policy\/v1|autoscaling\/v2|networking\.k8s\.io\/v1|rbac\.authorization\.k8s\.io\/v1|apiextensions\.k8s\.io\/v1|storage\.k8s\.io\/v1|scheduling\.k8s\.io\/v1|coordination\.k8s\.io\/v1|admissionregistration\.k8s\.io\/v1)$/;
    const custom = new Map<string, { group: string; version: string; kind: string; namespaced: boolean }>();
    let files = 0;
    const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".yaml")) {
                files++;
                const text = readFileSync(p, "utf8");
                writeFileSync(path.join(objectsDir, `${path.basename(d)}--${e.name}`), text);
                for (const doc of parseAllDocuments(text)) {
                    const o = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { namespace?: string } } | null;
                    if (!o?.apiVersion || !o.kind || builtinGroups.test(o.apiVersion)) continue;
                    const [group, version] = o.apiVersion.split("/");
                    custom.set(`${o.apiVersion}/${o.kind}`, { group, version, kind: o.kind, namespaced: Boolean(o.metadata?.namespace) });
                }
            }
        }
    };
    walk(renderDir);
    // ConfigGroup v2 must know each custom kind's scope; offline (render mode) it can only learn it from
    // a CRD in the same group (pulumi-kubernetes#3176/#4394), so a minimal CRD per custom kind is added.
    const crdStubs: string[] = [];
    for (const c of custom.values()) {
        const plural = `${c.kind.toLowerCase()}s`;
        const crd = {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: `${plural}.${c.group}` },
            spec: {
                group: c.group,
                names: { kind: c.kind, plural, singular: c.kind.toLowerCase(), listKind: `${c.kind}List` },
                scope: c.namespaced ? "Namespaced" : "Cluster",
                versions: [
                    {
                        name: c.version,
                        served: true,
                        storage: true,
                        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
                    },
                ],
            },
        };
        writeFileSync(path.join(objectsDir, `zz-crd-stub-${plural}.${c.group}.yaml`), stringify(crd));
        crdStubs.push(`${c.kind} (${c.group})`);
    }
    return { files, crdStubs };
}

function countRendered(dir: string): number {
    let n = 0;
    const walk = (d: string) => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
            if (e.isDirectory()) walk(path.join(d, e.name));
            else if (e.name.endsWith(".yaml")) n++;
        }
    };
    if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
    return n;
}

// ------------------------------------------------------------------------------------------------
// Mock evaluation (scripts/bench/mock-eval.ts, one process per run, bundled on plain node like the program)

function runNode(cwd: string, script: string, args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(cwd, "scripts/bench/run-bundled.js"), script, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["ignore", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => chunks.push(b));
        child.stderr.on("data", (b: Buffer) => chunks.push(b));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, output: Buffer.concat(chunks).toString("utf8") }));
    });
}

function errorLine(output: string): string {
    return firstError(output);
}

function kb(bytes: number): string {
    return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

function benchResult<T>(output: string): T | undefined {
    const line = output.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    return line ? (JSON.parse(line.slice("BENCH_RESULT ".length)) as T) : undefined;
}

// ------------------------------------------------------------------------------------------------

function loadavg(): string {
    return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

function log(msg: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function main(): Promise<void> {
    const o = options(process.argv.slice(2));
    extraNodeOptions = o.nodeOptions;
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

    const rows: Row[] = [];
    const raw: Record<string, unknown> = { options: o };
    const notes: string[] = [];
    try {
        // --- set-up (not timed): an `up` of the local stack renders the objects the floor registers.
        const wsUp = newWorkspace(o);
        const ws = newWorkspace(o);
        workspaces.push(wsUp, ws);
        log(`workspaces ${wsUp.dir} (up, no-op) and ${ws.dir} (fresh previews)`);
        await initStack(wsUp, "local", wsUp.dir);
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
        notes.push(
            `Floor: ${copied.files} rendered object files from the local stack's \`up\`, one flat ConfigGroup` +
                (copied.crdStubs.length ? `, plus ${copied.crdStubs.length} CRD stub(s) so ConfigGroup v2 can scope ${copied.crdStubs.join(", ")} offline.` : "."),
        );

        await initStack(ws, "local", ws.dir);
        await initStack(ws, "floor", floorDir);
        const synthDir = path.join(ws.dir, "scripts/bench/synthetic");
        for (const n of o.sizes) {
            await initStack(ws, `s${n}`, synthDir);
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

        // --- 1 + 3b + 4: local stack vs floor vs no-op, interleaved so drift hits all three alike.
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
        const sLocal = stat(local.map((r) => r.ms));
        const sFloor = stat(floor.map((r) => r.ms));
        const sRatio = stat(ratios);
        rows.push({ figure: `1. Local stack preview (${localCount} resources, fresh stack)`, unit: "s", stat: sLocal });
        rows.push({ figure: `1. Engine floor preview (same ${copied.files} objects, flat ConfigGroup; ${floorCount} resources)`, unit: "s", stat: sFloor });
        rows.push({ figure: "1. Ratio local / floor (per round)", unit: "×", stat: sRatio, target: "≤ 1.15×", pass: (sRatio?.median ?? Infinity) <= 1.15 });
        // The floor registers fewer resources (no components, no random secrets): the same ratio per
        // resource tells engine work apart from the program's own overhead.
        if (localCount > 0 && floorCount > 0) {
            rows.push({
                figure: `1. … per resource: (local / ${localCount}) / (floor / ${floorCount}) (per round)`,
                unit: "×",
                stat: stat(local.map((l, i) => l.ms / localCount / (floor[i].ms / floorCount))),
            });
        }

        // --- 2: synthetic catalogs, interleaved by size.
        const synth = new Map<number, PulumiRun[]>(o.sizes.map((n) => [n, []]));
        const synthFailed = new Map<number, string>();
        for (let r = 1; r <= o.heavyRuns; r++) {
            for (const n of o.sizes) {
                if (synthFailed.has(n)) continue;
                log(`round ${r}/${o.heavyRuns}: synthetic catalog of ${n} services`);
                const run = await runPulumi(ws, ["preview", "--stack", `s${n}`], synthDir);
                if (run.code !== 0) synthFailed.set(n, firstError(run.output));
                else synth.get(n)?.push(run);
            }
        }
        for (const n of o.sizes) {
            const runs = synth.get(n) ?? [];
            const failed = synthFailed.get(n);
            const count = runs.length ? resourceCounts(runs[0].output).create : 0;
            rows.push(
                failed
                    ? { figure: `2. Synthetic catalog, ${n} services`, unit: "s", text: `FAILED: ${failed}`, target: "previews", pass: false }
                    : { figure: `2. Synthetic catalog, ${n} services (${count} resources)`, unit: "s", stat: stat(runs.map((x) => x.ms)) },
            );
        }
        const lo = o.sizes[0];
        const hi = o.sizes[o.sizes.length - 1];
        const loRuns = synth.get(lo) ?? [];
        const hiRuns = synth.get(hi) ?? [];
        if (synthFailed.has(lo) || synthFailed.has(hi)) {
            rows.push({ figure: `2. Growth ${hi}/${lo} services`, unit: "×", text: "n/a (a preview failed)", target: "≤ 25×", pass: false });
        } else {
            const growth = stat(hiRuns.map((h, i) => h.ms / loRuns[i].ms));
            rows.push({ figure: `2. Growth ${hi}/${lo} services (per round)`, unit: "×", stat: growth, target: "≤ 25×", pass: (growth?.median ?? Infinity) <= 25 });
        }
        // Previews render nothing, so check the generated ConfigMaps against the API server's limit here.
        log(`generated ConfigMap sizes for ${o.sizes.join(", ")} services`);
        const sizesRun = await runNode(ws.dir, "scripts/bench/config-sizes.ts", o.sizes.map(String));
        const sizes = benchResult<ConfigSizes[]>(sizesRun.output);
        const mib = 2 ** 20;
        if (!sizes) {
            rows.push({ figure: "2. Largest generated ConfigMap", unit: "", text: `FAILED: ${errorLine(sizesRun.output)}`, target: "≤ 1 MiB (API limit)", pass: false });
        } else {
            for (const z of sizes) {
                const worst = Math.max(z.rulesBytes, z.largestDashboard.bytes);
                rows.push({
                    figure: `2. Largest ConfigMap at ${z.services} services (rules ${kb(z.rulesBytes)} of ${z.rulesConfigMaps} ConfigMap(s), dashboard ${kb(z.largestDashboard.bytes)})`,
                    unit: "",
                    text: kb(worst),
                    target: "≤ 1 MiB (API limit)",
                    pass: worst <= mib,
                });
            }
        }

        // --- 3a: program evaluation under mocks, one process per run; and the SDK's own floor for as many registrations.
        const evals: MockEvalResult[] = [];
        const mockFloors: MockEvalResult[] = [];
        let evalError: string | undefined;
        for (let r = 1; r <= o.heavyRuns && !evalError; r++) {
            log(`round ${r}/${o.heavyRuns}: Platform under mocks, ${o.mockServices} services`);
            const e = await runNode(ws.dir, "scripts/bench/mock-eval.ts", [String(o.mockServices)]);
            const res = benchResult<MockEvalResult>(e.output);
            if (e.code !== 0 || !res) {
                evalError = errorLine(e.output);
                break;
            }
            evals.push(res);
            log(`round ${r}/${o.heavyRuns}: SDK floor under mocks, ${res.registrations} bare registrations`);
            const f = await runNode(ws.dir, "scripts/bench/mock-floor.ts", [String(res.registrations)]);
            const fres = benchResult<MockEvalResult>(f.output);
            if (f.code === 0 && fres) mockFloors.push(fres);
        }
        if (evalError) {
            rows.push({ figure: `3. Platform under mocks, ${o.mockServices} services`, unit: "s", text: `FAILED: ${evalError}`, target: "< 3 s", pass: false });
        } else {
            const s = stat(evals.map((e) => e.evalMs));
            rows.push({
                figure: `3. Platform under mocks, ${o.mockServices} services (${evals[0]?.registrations ?? 0} registrations)`,
                unit: "s",
                stat: s,
                target: "< 3 s",
                pass: (s?.median ?? Infinity) < 3000,
            });
            rows.push({ figure: "3. … of which the synchronous constructor", unit: "s", stat: stat(evals.map((e) => e.constructMs)) });
            rows.push({ figure: "3. … mock-eval process peak RSS", unit: "MB", stat: stat(evals.map((e) => e.maxRssMb)) });
            rows.push({
                figure: `3. SDK floor under mocks: as many bare ConfigMaps, no program logic`,
                unit: "s",
                stat: stat(mockFloors.map((e) => e.evalMs)),
            });
        }

        // --- 3b: the program process' peak RSS during the local-stack previews above (and the floor's, for scale).
        const rss = stat(local.flatMap((r) => (r.programRssMb === undefined ? [] : [r.programRssMb])));
        rows.push({
            figure: "3. Program (language host node) peak RSS, local preview",
            unit: "MB",
            stat: rss,
            ...(rss ? {} : { text: "not measured (probe did not report)" }),
            target: "< 300 MB",
            pass: rss ? rss.median < 300 : false,
        });
        rows.push({
            figure: "3. … the floor program's node peak RSS (2-line program)",
            unit: "MB",
            stat: stat(floor.flatMap((r) => (r.programRssMb === undefined ? [] : [r.programRssMb]))),
        });
        log("cross-check: one more local preview with /proc VmHWM sampling (not timed)");
        const sampled = must(await runPulumi(ws, ["preview", "--stack", "local"], ws.dir, { sample: true }), "preview (local, sampled)");
        notes.push(
            `RSS cross-check (one extra local preview): getrusage maxrss of the program process ${sampled.programRssMb?.toFixed(0) ?? "?"} MB; ` +
                `highest VmHWM sampled every 50 ms from /proc over node processes under the CLI ${sampled.sampledHwmMb?.toFixed(0) ?? "?"} MB.`,
        );

        // --- breakdown: one more local preview, profiled (CPU + allocation sampling; untimed, it perturbs both).
        log("breakdown: one more local preview under the CPU and allocation profilers (not timed)");
        const profiled = must(await runPulumi(ws, ["preview", "--stack", "local"], ws.dir, { cpuProfile: true }), "preview (local, profiled)");
        let breakdown: ProgramBreakdown | undefined;
        if (profiled.cpuProfile) {
            breakdown = programBreakdown(
                JSON.parse(profiled.cpuProfile) as CpuProfile,
                ws.dir,
                "/index.ts",
                profiled.heapProfile ? (JSON.parse(profiled.heapProfile) as HeapProfile) : undefined,
            );
            const b = breakdown;
            const ms = (v: number) => `${v.toFixed(0)} ms`;
            rows.push({ figure: "B. Program process CPU, local preview (1 profiled run)", unit: "", text: ms(b.totalMs) });
            rows.push({ figure: "B. … loading the program's own modules (+ zod, yaml, Grafana SDK)", unit: "", text: ms(b.programModulesMs) });
            rows.push({ figure: "B. … new Platform(): Pulumi SDK registering resources", unit: "", text: ms(b.platformSdkMs) });
            rows.push({ figure: "B. … new Platform(): the program's own logic", unit: "", text: ms(b.platformProgramMs) });
            rows.push({ figure: "B. … formatting Error stacks, whole run (SDK captures one per promise)", unit: "", text: ms(b.stackTraceMs) });
            if (b.stackTraceAllocShare !== undefined) {
                rows.push({
                    figure: `B. Allocations while formatting Error stacks (of ${b.allocatedMb?.toFixed(0)} MB allocated)`,
                    unit: "",
                    text: `${(b.stackTraceAllocShare * 100).toFixed(0)} %`,
                });
            }
            if (o.profile) {
                writeFileSync(path.join(resultsDir, "local-preview.cpuprofile"), profiled.cpuProfile);
                if (profiled.heapProfile) writeFileSync(path.join(resultsDir, "local-preview.heapprofile"), profiled.heapProfile);
                notes.push("Profiles of the program process: bench-results/local-preview.cpuprofile and .heapprofile (Chrome DevTools › Performance / Memory).");
            }
        }

        // --- 4: no-op preview after the up.
        const noopOk = noop.every((r) => r.code === 0);
        const noopCounts = noop.map((r) => resourceCounts(r.output));
        const zero = noopOk && noopCounts.every((c) => c.changes === 0 && c.unchanged > 0);
        rows.push({
            figure: `4. No-op preview after up (${noopCounts[0]?.unchanged ?? 0} unchanged)`,
            unit: "s",
            stat: stat(noop.filter((r) => r.code === 0).map((r) => r.ms)),
        });
        rows.push({
            figure: "4. Zero changes (--expect-no-changes exit 0, every run)",
            unit: "",
            text: zero ? "yes" : `no — ${noop.map((r) => (r.code === 0 ? "ok" : firstError(r.output))).join("; ")}`,
            target: "0 changes",
            pass: zero,
        });
        raw.breakdown = breakdown;
        raw.configSizes = sizes;

        raw.samples = {
            localMs: local.map((r) => r.ms),
            floorMs: floor.map((r) => r.ms),
            ratios,
            noopMs: noop.map((r) => r.ms),
            programRssMb: local.map((r) => r.programRssMb),
            floorProgramRssMb: floor.map((r) => r.programRssMb),
            synthetic: Object.fromEntries(o.sizes.map((n) => [n, (synth.get(n) ?? []).map((r) => r.ms)])),
            syntheticFailures: Object.fromEntries(synthFailed),
            mockEval: evals,
            mockFloor: mockFloors,
            up: { ms: up.ms, resources: upCreated, renderedFiles: countRendered(renderDir) },
        };
    } finally {
        cleanup();
    }

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

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
