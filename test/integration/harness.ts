// The integration suites' helpers. The throw-away workspace (a copy of the project with its own file
// backend, stack files and render directory) and the Pulumi CLI environment live in scripts/lib/workspace.ts,
// which the bench uses too: scripts/ never imports test/.
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

export {
    createWorkspace,
    deployParallelism,
    pulumiEnv,
    repoRoot,
    runCommand,
    type RunResult,
    type Workspace,
} from "../../scripts/lib/workspace";

export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: Record<string, unknown>;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
    file: string;
}

/** Every object renderYamlToDirectory wrote, parsed. */
export function readRendered(dir: string): Manifest[] {
    const out: Manifest[] = [];
    const walk = (d: string) => {
        for (const entry of readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, entry.name);
            if (entry.isDirectory()) walk(p);
            else if (entry.name.endsWith(".yaml")) {
                for (const doc of parseAllDocuments(readFileSync(p, "utf8"))) {
                    const obj = doc.toJS() as Manifest | null;
                    if (obj) out.push({ ...obj, file: p });
                }
            }
        }
    };
    walk(dir);
    return out;
}

export function countByKind(manifests: Manifest[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const m of manifests) counts[m.kind] = (counts[m.kind] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
