// The bench's node scripts (mock evaluation, the SDK floor, ConfigMap sizes): one process per run,
// bundled onto plain node by scripts/bench/run-bundled.js, like the program.
import { spawn } from "child_process";
import * as path from "path";

export function runNode(cwd: string, script: string, args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(cwd, "scripts/bench/run-bundled.js"), script, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["ignore", "pipe", "pipe"] });
        const chunks: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => chunks.push(b));
        child.stderr.on("data", (b: Buffer) => chunks.push(b));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, output: Buffer.concat(chunks).toString("utf8") }));
    });
}
