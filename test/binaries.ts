// The observability binaries every test runs: Prometheus, promtool, Alertmanager, amtool and the
// OpenTelemetry Collector at the releases of the images the stack deploys, and Jaeger at the
// nearest release the Go module proxy serves, built by
// scripts/observability.sh (make observability-tools) into its cache. A missing one fails the test
// with that command.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export type PinnedBinary = "prometheus" | "promtool" | "alertmanager" | "amtool" | "otelcol" | "jaeger";

export const buildHint = "bash scripts/observability.sh build (make observability-tools)";

let dir: string | undefined;

/** The directory scripts/observability.sh builds into. */
function pinnedBinDir(): string {
    if (dir === undefined) {
        const r = spawnSync("bash", [script, "bin"], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`scripts/observability.sh bin failed: ${r.stderr}`);
        dir = r.stdout.trim();
    }
    return dir;
}

/** The absolute path of a pinned binary; throws with the build command when it is not built. */
export function pinned(name: PinnedBinary): string {
    const p = path.join(pinnedBinDir(), name);
    if (!existsSync(p)) throw new Error(`${name} is not built (${p} is missing) — run: ${buildHint}`);
    return p;
}

const script = path.join(__dirname, "..", "scripts/observability.sh");

/** A pin of scripts/observability.sh (`NAME=value`), e.g. JAEGER_VERSION. */
export function buildPin(name: string): string {
    const m = new RegExp(`^${name}=(\\S+)$`, "m").exec(readFileSync(script, "utf8"));
    if (!m) throw new Error(`scripts/observability.sh sets no ${name}`);
    return m[1];
}
