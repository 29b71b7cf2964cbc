// The objects the local stack's `up` rendered: copied flat for the engine floor, and counted.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";

/** Every rendered object file, plus a CRD stub for each custom kind among them (see below). */
export function copyRenderedObjects(renderDir: string, objectsDir: string): { files: number; crdStubs: string[] } {
    mkdirSync(objectsDir, { recursive: true });
    const builtinGroups = /^(v1|apps\/v1|batch\/v1|policy\/v1|autoscaling\/v2|networking\.k8s\.io\/v1|rbac\.authorization\.k8s\.io\/v1|apiextensions\.k8s\.io\/v1|storage\.k8s\.io\/v1|scheduling\.k8s\.io\/v1|coordination\.k8s\.io\/v1)$/;
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
    // The admission kinds count as custom here: the provider's offline scope table does not list
    // ValidatingAdmissionPolicy(Binding), so the floor could not register the admission policies.
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

export function countRendered(dir: string): number {
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
