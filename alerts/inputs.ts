// What the rules are generated from, and everything that can be wrong with it.
import type { ServiceSpec } from "../model/catalog";
import type { NamespaceRole } from "../model/namespaces";
import { validateLatencyThresholds } from "./buckets";

export interface AlertInputs {
    services: readonly ServiceSpec[];
    /** Container memory limit per service in bytes, after stack overrides (see memoryLimitBytes in model/catalog). */
    memoryLimitBytes: Record<string, number>;
    /** observability.runbookBaseUrl; each alert links `<runbookBaseUrl>/<AlertName>.md`. */
    runbookBaseUrl: string;
    /**
     * The platform's namespaces as the stack names them: the Kubernetes alerts watch objects in these.
     * @default defaultNamespaces (model/namespaces.ts)
     */
    namespaces?: Readonly<Record<NamespaceRole, string>>;
}

/** Everything wrong with the inputs, all at once. */
export function validateAlertInputs(inputs: AlertInputs): string[] {
    const problems = validateLatencyThresholds(inputs.services);
    const names = new Set(inputs.services.map((s) => s.name));
    for (const s of inputs.services) {
        const limit = inputs.memoryLimitBytes[s.name];
        if (limit === undefined) problems.push(`memoryLimitBytes: no limit for service "${s.name}"`);
        else if (!(Number.isFinite(limit) && limit > 0)) {
            problems.push(`memoryLimitBytes: limit of "${s.name}" must be a positive number of bytes, got ${limit}`);
        }
    }
    for (const name of Object.keys(inputs.memoryLimitBytes)) {
        if (!names.has(name)) problems.push(`memoryLimitBytes: "${name}" is not a service of the catalog`);
    }
    if (!/^https?:\/\/\S+$/.test(inputs.runbookBaseUrl)) {
        problems.push(`runbookBaseUrl: "${inputs.runbookBaseUrl}" is not an http(s) URL`);
    }
    return problems;
}
