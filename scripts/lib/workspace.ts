// Drives the real Pulumi CLI against a throw-away copy of the project: its own file backend, its own
// stack files and render directory, so neither the bench (scripts/bench/) nor the integration tests
// (test/integration/harness.ts re-exports this) ever touch the developer's state or rendered/.
import { spawn } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

export const repoRoot = path.resolve(__dirname, "../..");
const toolchainDir = process.env.AZORA_TOOLCHAIN_DIR ?? path.join(process.env.HOME ?? "/root", ".cache/azora-platform/toolchain");

const copied: readonly string[] = [
    "Pulumi.yaml",
    "package.json",
    "tsconfig.json",
    "index.ts",
    "model",
    "components",
    "alerts",
    "dashboards",
    "test/fixtures",
    // The policy pairs fixture registers the cases of test/policies/pairs.ts.
    "test/policies",
];

/**
 * Resource operations `pulumi up` and `destroy` run at once, on every stack (the Makefile's
 * DEPLOY_PARALLEL and the deploy workflow's `parallel` are kept equal to it by a unit test). The
 * engine's default is 4 per CPU — 8 on a 2-core runner — and a deploy is mostly waiting on the API
 * server and the provider's awaits, not on CPU: with 8 slots, eight awaiting objects stall everything
 * behind them (issue 19's attribution, scripts/bench/attribute.ts).
 */
export const deployParallelism = 32;

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
    output: string;
}

export interface Workspace {
    dir: string;
    backend: string;
    run(args: string[], opts?: { passphrase?: string; env?: Record<string, string>; cwd?: string }): Promise<RunResult>;
    /** Creates (or selects) a stack in this workspace's backend. */
    initStack(stack: string, passphrase: string, cwd?: string): Promise<void>;
    /** Rewrites the workspace's copy of a stack file. */
    editStack(stack: string, edit: (config: Record<string, unknown>) => void): void;
    dispose(): void;
}

export function pulumiEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
        ...process.env,
        PATH: `${path.join(toolchainDir, "bin")}:${path.join(repoRoot, "node_modules/.bin")}:${process.env.PATH}`,
        PULUMI_HOME: process.env.PULUMI_HOME ?? path.join(toolchainDir, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        // Every stack run through here lives in a throw-away backend (the workspaces below), so the
        // engine writes only the final state instead of a checkpoint of the whole state around every
        // resource step: on the file backend those writes were most of a first `up` (issue 19: 155 s
        // with them, 24 s without, same cluster and settings). The risk Pulumi documents — a crash
        // loses the update's state edits — costs nothing on a disposable stack; real environments'
        // deploys (.github/workflows/deploy-stack.yml) keep the checkpoints.
        PULUMI_SKIP_CHECKPOINTS: "true",
        NO_COLOR: "1",
        ...extra,
    };
}

export function createWorkspace(prefix = "azora-it-"): Workspace {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    for (const entry of copied) {
        const from = path.join(repoRoot, entry);
        if (existsSync(from)) cpSync(from, path.join(dir, entry), { recursive: true });
    }
    for (const f of readdirSync(repoRoot).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
        cpSync(path.join(repoRoot, f), path.join(dir, f));
    }
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
    // The policy pack is used in place: it is an independent project with its own dependencies.
    symlinkSync(path.join(repoRoot, "policies"), path.join(dir, "policies"));
    const backend = path.join(dir, ".state");
    mkdirSync(backend);
    cpSync(path.join(repoRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));

    const run: Workspace["run"] = (args, opts = {}) => {
        const env = pulumiEnv({
            PULUMI_BACKEND_URL: `file://${backend}`,
            ...(opts.passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: opts.passphrase } : {}),
            ...opts.env,
        });
        return runCommand("pulumi", [...args, "--non-interactive"], opts.cwd ?? dir, env);
    };

    return {
        dir,
        backend,
        run,
        async initStack(stack, passphrase, cwd) {
            const selected = await run(["stack", "select", stack], { passphrase, cwd });
            if (selected.code === 0) return;
            const created = await run(["stack", "init", stack, "--secrets-provider", "passphrase"], { passphrase, cwd });
            if (created.code !== 0) throw new Error(`stack init ${stack} failed:\n${created.output}`);
        },
        editStack(stack, edit) {
            const file = path.join(dir, `Pulumi.${stack}.yaml`);
            const doc = parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
            edit(doc.config);
            writeFileSync(file, stringify(doc));
        },
        dispose() {
            rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** Runs a command without blocking the test worker (a long synchronous spawn starves its RPC). */
export function runCommand(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", (e) => reject(new Error(`could not run ${cmd} (${e.message}) — run 'make toolchain' first`)));
        child.on("close", (code) => {
            const stdout = Buffer.concat(out).toString("utf8");
            const stderr = Buffer.concat(err).toString("utf8");
            resolve({ code: code ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` });
        });
    });
}
