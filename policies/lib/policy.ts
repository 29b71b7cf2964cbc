// The small framework every rule is written in: kind filtering, identity, exemptions and
// violation messages that always carry a remediation. Only types come from @pulumi/policy, so the
// rules can be exercised directly in unit tests without starting the policy server.
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

import { describe, identityOf, kindOfType, KindName, KubeObject, ObjectIdentity, referenceMatches } from "./k8s";

/** Areas the policies are grouped in; also the policy name prefix and its tag. */
type PolicyGroup =
    | "pss"
    | "container"
    | "image"
    | "probes"
    | "sa"
    | "secrets"
    | "network"
    | "edge"
    | "rbac"
    | "storage"
    | "availability"
    | "objects";

/**
 * An exemption, configured under the policy it exempts from (the engine scopes policy config per
 * policy, so the policy is the key the exemption sits under). `resource` names exactly one object
 * (`Kind/namespace/name`, `Kind/name` or `name`); `reason` must say why. An exemption without a
 * reason exempts nothing and is itself reported.
 */
interface Exemption {
    readonly resource?: string;
    readonly reason?: string;
}

export interface BaseConfig {
    readonly exemptions?: readonly Exemption[];
}

const EXEMPTIONS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    description:
        "Objects exempt from this policy: { resource: 'Kind/namespace/name' | 'Kind/name' | 'name', reason: 'why' }. " +
        "An exemption without a reason is refused by the engine's schema check (and, should one reach the pack, reported as a violation that exempts nothing).",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", pattern: "^[^/\\s]+(/[^/\\s]+){0,2}$" },
            reason: { type: "string", pattern: "\\S" },
        },
        // The engine refuses a malformed exemption before the preview starts, naming the key.
        required: ["resource", "reason"],
        additionalProperties: false,
    },
    default: [],
};

/** The default level of every policy: secure by default; config relaxes it per environment. */
const DEFAULT_ENFORCEMENT: EnforcementLevel = "mandatory";

function violationMessage(subject: string, problem: string, remediation: string): string {
    return `${subject}: ${problem} Remediation: ${remediation}`;
}

/**
 * Applies a policy's exemptions to one object. Returns true when an exemption with a reason names
 * it; reports every matching exemption that has no reason (and then does not exempt).
 */
function applyExemptions(
    policyName: string,
    id: ObjectIdentity,
    exemptions: readonly Exemption[] | undefined,
    report: (message: string) => void,
): boolean {
    let exempt = false;
    // Config arrives as JSON: each entry may be anything until checked.
    const entries: readonly Partial<Record<keyof Exemption, unknown>>[] = Array.isArray(exemptions) ? exemptions : [];
    for (const e of entries) {
        if (typeof e?.resource !== "string" || !referenceMatches(e.resource, id)) {
            continue;
        }
        if (typeof e.reason === "string" && e.reason.trim() !== "") {
            exempt = true;
        } else {
            report(
                violationMessage(
                    describe(id),
                    `the exemption "${e.resource}" from policy ${policyName} has no reason, so it exempts nothing and the policy still applies.`,
                    `add a non-empty "reason" to the exemption in the policy config (or remove the exemption and fix the object).`,
                ),
            );
        }
    }
    return exempt;
}

interface PolicyDefinitionBase {
    /** Kebab-case, prefixed with the group: `pss-no-privileged`. */
    readonly name: string;
    readonly group: PolicyGroup;
    readonly description: string;
    /** The default remediation appended to every violation of this policy. */
    readonly remediation: string;
    readonly severity: Severity;
    /** Policy-specific config properties (exemptions are always added). */
    readonly config?: Readonly<Record<string, PolicyConfigJSONSchema>>;
}

function configSchemaOf(def: PolicyDefinitionBase): PolicyConfigSchema {
    return { properties: { ...(def.config ?? {}), exemptions: EXEMPTIONS_SCHEMA } };
}

// ---------------------------------------------------------------------------------------------
// Resource policies
// ---------------------------------------------------------------------------------------------

export interface ResourceCheck<C extends BaseConfig, P extends KubeObject> {
    readonly kind: KindName;
    readonly id: ObjectIdentity;
    readonly props: P;
    readonly config: C;
    /** Reports a violation on this object; the remediation defaults to the policy's. */
    violation: (problem: string, remediation?: string) => void;
}

export interface ResourcePolicyDefinition<C extends BaseConfig, P extends KubeObject> extends PolicyDefinitionBase {
    /** The kinds this policy looks at; every other resource is ignored. */
    readonly kinds: readonly KindName[];
    check(ctx: ResourceCheck<C, P>): void;
}

/** What the engine shows of a policy: its name, text, default enforcement, severity, group and config schema. */
function policyMetadata(def: PolicyDefinitionBase) {
    return {
        name: def.name,
        description: def.description,
        enforcementLevel: DEFAULT_ENFORCEMENT,
        severity: def.severity,
        tags: [def.group],
        remediationSteps: def.remediation,
        configSchema: configSchemaOf(def),
    };
}

export function resourcePolicy<C extends BaseConfig = BaseConfig, P extends KubeObject = KubeObject>(
    def: ResourcePolicyDefinition<C, P>,
): ResourceValidationPolicy {
    return {
        ...policyMetadata(def),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
            const kind = kindOfType(args.type);
            if (kind === undefined || !def.kinds.includes(kind)) {
                return;
            }
            const props = args.props as P;
            const config = args.getConfig<C>();
            const id = identityOf(kind, props, args.name);
            if (applyExemptions(def.name, id, config.exemptions, (m) => reportViolation(m))) {
                return;
            }
            def.check({
                kind,
                id,
                props,
                config,
                violation: (problem, remediation) =>
                    reportViolation(violationMessage(describe(id), problem, remediation ?? def.remediation)),
            });
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Stack policies
// ---------------------------------------------------------------------------------------------

/** A Kubernetes object of the stack, parsed once for the stack policies. */
export interface StackObject {
    readonly kind: KindName;
    readonly id: ObjectIdentity;
    readonly props: KubeObject;
    readonly urn: string;
}

function stackObjectsOf(resources: readonly PolicyResource[]): StackObject[] {
    const out: StackObject[] = [];
    for (const r of resources) {
        const kind = kindOfType(r.type);
        if (kind === undefined) {
            continue;
        }
        const props = r.props as KubeObject;
        out.push({ kind, id: identityOf(kind, props, r.name), props, urn: r.urn });
    }
    return out;
}

interface StackCheck<C extends BaseConfig> {
    readonly objects: readonly StackObject[];
    readonly config: C;
    /** The objects of the given kinds. */
    ofKind: (...kinds: readonly KindName[]) => StackObject[];
    /**
     * Reports a violation about `subject` (an object of the stack, or an identity with no object,
     * e.g. a namespace the stack only references) unless an exemption with a reason names it.
     */
    violation: (subject: StackObject | ObjectIdentity, problem: string, remediation?: string) => void;
}

export interface StackPolicyDefinition<C extends BaseConfig> extends PolicyDefinitionBase {
    check(ctx: StackCheck<C>): void;
}

function isStackObject(s: StackObject | ObjectIdentity): s is StackObject {
    return "urn" in s && "id" in s;
}

export function stackPolicy<C extends BaseConfig = BaseConfig>(def: StackPolicyDefinition<C>): StackValidationPolicy {
    return {
        ...policyMetadata(def),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation): void => {
            const config = args.getConfig<C>();
            const objects = stackObjectsOf(args.resources);
            // Exemption status per subject, computed once so a reason-less exemption is reported once.
            const exemptCache = new Map<string, boolean>();
            const isExempt = (id: ObjectIdentity, urn: string | undefined): boolean => {
                const key = `${id.kind}/${id.namespace ?? ""}/${id.name}`;
                const cached = exemptCache.get(key);
                if (cached !== undefined) {
                    return cached;
                }
                const exempt = applyExemptions(def.name, id, config.exemptions, (m) => reportViolation(m, urn));
                exemptCache.set(key, exempt);
                return exempt;
            };
            // Report reason-less exemptions on every object they name, whether or not it violates.
            for (const o of objects) {
                isExempt(o.id, o.urn);
            }
            def.check({
                objects,
                config,
                ofKind: (...kinds) => objects.filter((o) => kinds.includes(o.kind)),
                violation: (subject, problem, remediation) => {
                    const id = isStackObject(subject) ? subject.id : subject;
                    const urn = isStackObject(subject) ? subject.urn : findUrn(objects, subject);
                    if (isExempt(id, urn)) {
                        return;
                    }
                    reportViolation(violationMessage(describe(id), problem, remediation ?? def.remediation), urn);
                },
            });
        },
    };
}

function findUrn(objects: readonly StackObject[], id: ObjectIdentity): string | undefined {
    return objects.find((o) => o.id.kind === id.kind && o.id.name === id.name && o.id.namespace === id.namespace)?.urn;
}
