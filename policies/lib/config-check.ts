// Checks a --policy-pack-config file against the pack before any preview: the engine validates each
// policy's properties against its schema, but it silently keeps a key that names no policy of the
// pack and a property no policy declares, so a typo ("pss-no-privilegd", "exemption") would relax
// nothing and enforce nothing without a word. Every finding names the key and the fix.
import type { EnforcementLevel, Policy } from "./types";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
/** The engine's key for settings that apply to every policy. */
const ALL = "all";
/** Kind/namespace/name, Kind/name or name, as lib/k8s.ts referenceMatches reads them. */
const RESOURCE_REFERENCE = /^[^/\s]+(\/[^/\s]+){0,2}$/;

type PolicyInfo = Pick<Policy, "name" | "configSchema">;

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

function suggestion(key: string, candidates: readonly string[]): string {
    const best = [...candidates].sort((x, y) => distance(key, x) - distance(key, y))[0];
    return best !== undefined && distance(key, best) <= Math.max(3, Math.floor(key.length / 4))
        ? ` (did you mean "${best}"?)`
        : "";
}

function exemptionErrors(where: string, value: unknown): string[] {
    if (!Array.isArray(value)) {
        return [`${where}: must be a list of { "resource": "Kind/namespace/name", "reason": "why" }.`];
    }
    const errors: string[] = [];
    (value as readonly unknown[]).forEach((entry, i) => {
        const at = `${where}[${i}]`;
        if (!isObject(entry)) {
            errors.push(`${at}: must be an object { "resource": …, "reason": … }.`);
            return;
        }
        for (const key of Object.keys(entry).filter((k) => k !== "resource" && k !== "reason")) {
            errors.push(`${at}.${key}: is not a field of an exemption; an exemption has only "resource" and "reason".`);
        }
        if (typeof entry.resource !== "string" || !RESOURCE_REFERENCE.test(entry.resource)) {
            errors.push(
                `${at}.resource: must name one object as "Kind/namespace/name", "Kind/name" or "name" (got ${JSON.stringify(entry.resource)}).`,
            );
        }
        if (typeof entry.reason !== "string" || entry.reason.trim() === "") {
            errors.push(`${at}.reason: is missing or blank; say why the object may break the policy, or remove the exemption.`);
        }
    });
    return errors;
}

/** Every problem of a policy config file, each naming its key; empty when the file is sound. */
export function policyConfigErrors(raw: unknown, policies: readonly PolicyInfo[]): string[] {
    if (!isObject(raw)) {
        return ['the policy config must be a JSON object mapping policy names (or "all") to a level or settings.'];
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const names = [...byName.keys()];
    const errors: string[] = [];
    for (const [key, value] of Object.entries(raw)) {
        const policy = byName.get(key);
        if (key !== ALL && policy === undefined) {
            errors.push(`${key}: is not a policy of the pack${suggestion(key, names)}; fix the name or remove the entry.`);
            continue;
        }
        if (typeof value === "string") {
            if (!(LEVELS as readonly string[]).includes(value)) {
                errors.push(`${key}: "${value}" is not an enforcement level (${LEVELS.join(", ")}).`);
            }
            continue;
        }
        if (!isObject(value)) {
            errors.push(`${key}: must be an enforcement level or an object of settings.`);
            continue;
        }
        const properties = Object.keys(policy?.configSchema?.properties ?? {});
        for (const [prop, setting] of Object.entries(value)) {
            if (prop === "enforcementLevel") {
                if (typeof setting !== "string" || !(LEVELS as readonly string[]).includes(setting)) {
                    errors.push(
                        `${key}.enforcementLevel: ${JSON.stringify(setting)} is not an enforcement level (${LEVELS.join(", ")}).`,
                    );
                }
            } else if (key === ALL) {
                errors.push(
                    `${ALL}.${prop}: "${ALL}" only takes an enforcementLevel; settings belong under the policy that reads them.`,
                );
            } else if (!properties.includes(prop)) {
                errors.push(
                    `${key}.${prop}: is not a setting of ${key}${suggestion(prop, properties)}; its settings are ${properties.join(", ")}.`,
                );
            } else if (prop === "exemptions") {
                errors.push(...exemptionErrors(`${key}.exemptions`, setting));
            }
        }
    }
    return errors;
}
