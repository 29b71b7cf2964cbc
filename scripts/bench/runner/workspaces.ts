// The bench's throw-away workspaces (scripts/lib/workspace.ts, plus the bench programs and --patch)
// and their stacks.
import { spawnSync } from "child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { createWorkspace, repoRoot, type Workspace } from "../../lib/workspace";
import type { Options } from "./options";
import { must, type RunPulumi } from "./pulumi";

export function newWorkspace(o: Options): Workspace {
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

export async function initStack(runPulumi: RunPulumi, ws: Workspace, stack: string, cwd: string): Promise<void> {
    const r = await runPulumi(ws, ["stack", "init", stack, "--secrets-provider", "passphrase"], cwd);
    must(r, `stack init ${stack}`);
}

/** Pulumi.local.yaml's config under another project's prefix, plus extra keys. */
export function localConfigFor(project: string, extra: Record<string, unknown>, renderDirectory: string): Record<string, unknown> {
    const doc = parse(readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config)) {
        config[key.replace(/^azora-platform:/, `${project}:`)] = value;
    }
    const k8sKey = `${project}:kubernetes`;
    config[k8sKey] = { ...(config[k8sKey] as Record<string, unknown>), renderDirectory };
    return { ...config, ...extra };
}

export function writeStackConfig(dir: string, stack: string, config: Record<string, unknown>): void {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const doc = existsSync(file) ? ((parse(readFileSync(file, "utf8")) as Record<string, unknown> | null) ?? {}) : {};
    writeFileSync(file, stringify({ ...doc, config }));
}
