// Shared by the alerts tests: the real inputs (catalog, catalog memory limits, the schema's default
// runbook base URL), temp directories, and the real promtool/amtool/alertmanager binaries. A
// missing binary fails the test with the install command; nothing is skipped.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";
import { catalog, memoryLimitBytes } from "../../model/catalog";
import { observabilitySchema } from "../../components/config/schema";
import { type AlertInputs, renderRuleFiles } from "../../alerts";
import { buildHint, pinned } from "../binaries";


/** The base URL the hand-written promtool cases expect: the stack default. */
export const runbookBaseUrl: string = observabilitySchema.shape.runbookBaseUrl.parse(undefined);

export const realInputs: AlertInputs = {
    services: catalog,
    memoryLimitBytes: memoryLimitBytes(catalog),
    runbookBaseUrl,
};

export const repoRoot = resolve(__dirname, "..", "..");
export const alertsDir = join(repoRoot, "alerts");
/** The hand-written promtool cases, each next to the part whose alerts it tests
 *  (alerts/<part>/<family>.test.yaml), as paths relative to alerts/. */
export const promtoolCaseFiles = readdirSync(alertsDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.yaml"))
    .sort();

/** The name a case file gets beside the rule files it tests: promtool resolves `rule_files`
 *  against the case file's own directory, so the cases are copied flat. */
export function caseCopyName(caseFile: string): string {
    return caseFile.replace(/\//g, "-");
}

export interface RunResult {
    status: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr together, for messages. */
    output: string;
}

type Tool = "promtool" | "amtool";

/**
 * Runs a pinned tool (test/binaries.ts) to completion without blocking the test worker's event
 * loop; fails the test with the build command when the tool is not built.
 */
export function run(tool: Tool, args: string[], cwd?: string, timeoutMs = 120_000): Promise<RunResult> {
    return new Promise((resolvePromise, reject) => {
        const child = spawn(pinned(tool), args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (err: NodeJS.ErrnoException) => {
            clearTimeout(timer);
            reject(
                err.code === "ENOENT"
                    ? new Error(`${tool} is not built. Build it with: ${buildHint}`)
                    : err,
            );
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolvePromise({
                status: code ?? (signal ? 128 : -1),
                stdout,
                stderr,
                output: `${stdout}\n${stderr}`,
            });
        });
    });
}

/** Asserts the tool is installed; the failure message says how to install it. */
export async function requireTool(tool: Tool): Promise<void> {
    const r = await run(tool, ["--version"]);
    if (r.status !== 0 || !/version \d+\.\d+/.test(r.output)) {
        throw new Error(`${tool} --version exited ${r.status} without a version (${r.output.trim()}); rebuild it with: ${buildHint}`);
    }
}

const made: string[] = [];
afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test file. */
export function tempDir(prefix = "azora-alerts-"): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
}

/** Writes the real rule files (and, when asked, the hand-written promtool cases) to a temp dir. */
export function writeRuleFiles(inputs: AlertInputs = realInputs, withCases = false, maxFileBytes?: number): { dir: string; files: string[] } {
    const dir = tempDir();
    const rendered = renderRuleFiles(inputs, maxFileBytes);
    for (const [name, text] of Object.entries(rendered)) writeFileSync(join(dir, name), text);
    if (withCases) for (const f of promtoolCaseFiles) cpSync(join(alertsDir, f), join(dir, caseCopyName(f)));
    return { dir, files: Object.keys(rendered) };
}
