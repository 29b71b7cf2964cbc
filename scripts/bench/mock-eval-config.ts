// The local stack's configuration as the engine hands it to the program, for the runs without an engine.
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

const repoRoot = path.resolve(__dirname, "../..");

/** Pulumi.local.yaml's config with the project prefix stripped, values as parsed YAML. */
export function localStackConfig(): Record<string, unknown> {
    const doc = parse(readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")) as { config?: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (key.startsWith("azora-platform:")) raw[key.slice("azora-platform:".length)] = value;
    }
    return raw;
}
