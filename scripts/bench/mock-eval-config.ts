// The local stack's configuration as the engine hands it to the program, for the runs without an engine.
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

/**
 * Pulumi.local.yaml's config with the project prefix stripped, values as parsed YAML. The bench runs
 * its scripts from the project root (a workspace copy), bundled, so the file is found from there.
 */
export function localStackConfig(projectDir = process.cwd()): Record<string, unknown> {
    const doc = parse(readFileSync(path.join(projectDir, "Pulumi.local.yaml"), "utf8")) as { config?: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (key.startsWith("azora-platform:")) raw[key.slice("azora-platform:".length)] = value;
    }
    return raw;
}
