// Reads a committed stack file the way the engine hands it to the program: keys without the
// project prefix, values as parsed YAML.
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

export const repoRoot = path.resolve(__dirname, "../..");
export const stacks = ["local", "dev", "staging", "prod"] as const;

export function readStackConfig(stack: string): Record<string, unknown> {
    const file = path.join(repoRoot, `Pulumi.${stack}.yaml`);
    const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (key.startsWith("azora-platform:")) raw[key.slice("azora-platform:".length)] = value;
    }
    return raw;
}

/** Digests the image pipeline would hand to prod; tests use them to exercise the prod stack. */
export function pipelineDigests(services: readonly { name: string }[]): Record<string, string> {
    const hex = (s: string) => Buffer.from(s.padEnd(32, "-")).toString("hex").slice(0, 64);
    return Object.fromEntries(services.map((s) => [s.name, `sha256:${hex(s.name)}`]));
}
