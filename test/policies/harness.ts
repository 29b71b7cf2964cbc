// Drives the pack's policies in-process the way the Pulumi engine does: config is resolved from a
// --policy-pack-config file (schema defaults, then "all", then the policy's own entry), the
// enforcement level travels with each violation, and disabled policies do not run.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import type {
    EnforcementLevel,
    Policy,
    PolicyConfigJSONSchema,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "../../policies/lib/types";
import { allPolicies } from "../../policies/rules";

export const POLICIES_DIR = join(__dirname, "..", "..", "policies");

export type Environment = "local" | "dev" | "staging" | "prod";
export const ENVIRONMENTS: readonly Environment[] = ["local", "dev", "staging", "prod"];

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

type PolicyConfigEntry = EnforcementLevel | PolicyConfigObject;
interface PolicyConfigObject {
    readonly enforcementLevel?: EnforcementLevel;
    readonly [property: string]: unknown;
}
/** The JSON passed with --policy-pack-config: policy name (or "all") → level or { enforcementLevel?, ...properties }. */
export type PolicyConfigFile = Readonly<Record<string, PolicyConfigEntry>>;

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a policy config file with the engine's rules (string = level; object = optional level + properties). */
export function parseConfigFile(raw: unknown): PolicyConfigFile {
    if (!isObject(raw)) {
        throw new Error("policy config must be a JSON object");
    }
    const out: Record<string, PolicyConfigEntry> = {};
    for (const [key, value] of Object.entries(raw)) {
        if (isLevel(value)) {
            out[key] = value;
        } else if (isObject(value)) {
            if (value.enforcementLevel !== undefined && !isLevel(value.enforcementLevel)) {
                throw new Error(`parsing enforcement level for "${key}": ${JSON.stringify(value.enforcementLevel)} is not valid`);
            }
            out[key] = value;
        } else {
            throw new Error(`parsing "${key}": must be an enforcement level or an object`);
        }
    }
    return out;
}

export function loadConfigFile(env: Environment): PolicyConfigFile {
    return parseConfigFile(JSON.parse(readFileSync(join(POLICIES_DIR, "config", `${env}.json`), "utf8")));
}

export interface ResolvedPolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Readonly<Record<string, unknown>>;
}

/** The pack-level default level, as passed to `new PolicyPack(...)` in policies/index.ts. */
const PACK_ENFORCEMENT: EnforcementLevel = "mandatory";

/** Mirrors the engine's ReconcilePolicyPackConfig for one policy. */
export function resolvePolicyConfig(
    policy: Pick<Policy, "name" | "enforcementLevel" | "configSchema">,
    file: PolicyConfigFile = {},
): ResolvedPolicyConfig {
    let enforcementLevel: EnforcementLevel = policy.enforcementLevel ?? PACK_ENFORCEMENT;
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema.default !== undefined) {
            properties[key] = schema.default;
        }
    }
    const all = file["all"];
    const allLevel = isLevel(all) ? all : all?.enforcementLevel;
    if (allLevel !== undefined) {
        enforcementLevel = allLevel;
    }
    const own = file[policy.name];
    if (isLevel(own)) {
        enforcementLevel = own;
    } else if (own !== undefined) {
        const { enforcementLevel: level, ...rest } = own;
        if (level !== undefined) {
            enforcementLevel = level;
        }
        Object.assign(properties, rest);
    }
    return { enforcementLevel, properties };
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

/** A resource as the engine describes it to a policy: type token, Pulumi name and raw props. */
export interface TestResource {
    readonly type: string;
    readonly name: string;
    readonly props: object;
}

export function urnOf(r: TestResource): string {
    return `urn:pulumi:test::azora-platform::${r.type}::${r.name}`;
}

const OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

class NotApplicable extends Error {}

export interface Violation {
    readonly policy: string;
    readonly message: string;
    readonly urn?: string;
    readonly enforcementLevel: EnforcementLevel;
}

/**
 * The policy server's sentinels for values only known after deployment (boolean, number, string,
 * array, asset, archive, object: @pulumi/policy's proxy.js); a fixture puts one (computed()) where the
 * program would pass a computed output.
 */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    UNKNOWN,
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** UNKNOWN in place of a field of any type: a computed output the policy cannot read during a preview. */
export function computed<T>(): T {
    return UNKNOWN as T;
}

/** Props as the policy server wraps them (its unknownCheckingProxy): reading a value that is not known yet throws. */
function unknownChecking(value: unknown, path: readonly string[]): unknown {
    if (typeof value !== "object" || value === null) {
        return value;
    }
    return new Proxy(value, {
        get: (target, prop) => {
            const field: unknown = Reflect.get(target, prop);
            const at = [...path, String(prop)];
            if (typeof field === "string" && UNKNOWN_SENTINELS.has(field)) {
                throw new Error(`value at .${at.join(".")} can't be known during preview`);
            }
            // The Proxy invariant: a non-configurable, non-writable own property must be returned as is.
            const desc = Object.getOwnPropertyDescriptor(target, prop);
            if (desc && "value" in desc && desc.configurable === false && desc.writable === false) {
                return field;
            }
            return unknownChecking(field, at);
        },
    });
}

function propsOf(r: TestResource): Record<string, unknown> {
    // The engine hands policies a fresh deserialised copy behind its unknown-checking proxy; so do
    // we, so a policy cannot mutate fixtures and must cope with values only known after deployment.
    return unknownChecking(structuredClone(r.props), []) as Record<string, unknown>;
}

export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    resource: TestResource,
    file?: PolicyConfigFile,
): Promise<Violation[]> {
    const config = resolvePolicyConfig(policy, file);
    if (config.enforcementLevel === "disabled" || policy.validateResource === undefined) {
        return [];
    }
    const violations: Violation[] = [];
    const urn = urnOf(resource);
    const args: ResourceValidationArgs = {
        type: resource.type,
        props: propsOf(resource),
        urn,
        name: resource.name,
        opts: OPTIONS,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>(): T => structuredClone(config.properties) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const validate of validations) {
        try {
            await validate(args, (message) =>
                violations.push({ policy: policy.name, message, urn, enforcementLevel: config.enforcementLevel }),
            );
        } catch (e) {
            if (!(e instanceof NotApplicable)) {
                throw e;
            }
        }
    }
    return violations;
}

function policyResourceOf(r: TestResource): PolicyResource {
    return {
        type: r.type,
        props: propsOf(r),
        urn: urnOf(r),
        name: r.name,
        opts: OPTIONS,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

async function runStackPolicy(
    policy: StackValidationPolicy,
    resources: readonly TestResource[],
    file?: PolicyConfigFile,
): Promise<Violation[]> {
    const config = resolvePolicyConfig(policy, file);
    if (config.enforcementLevel === "disabled") {
        return [];
    }
    const violations: Violation[] = [];
    const args: StackValidationArgs = {
        resources: resources.map(policyResourceOf),
        stackTags: new Map(),
        getConfig: <T extends object>(): T => structuredClone(config.properties) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    try {
        await policy.validateStack(args, (message, urn) =>
            violations.push({ policy: policy.name, message, urn, enforcementLevel: config.enforcementLevel }),
        );
    } catch (e) {
        if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
    return violations;
}

function isStackPolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
    return "validateStack" in p && typeof p.validateStack === "function";
}

/** Runs every policy of the pack over a stack: resource policies per resource, then stack policies. */
export async function runPack(resources: readonly TestResource[], file?: PolicyConfigFile): Promise<Violation[]> {
    const out: Violation[] = [];
    for (const policy of allPolicies) {
        if (isStackPolicy(policy)) {
            out.push(...(await runStackPolicy(policy, resources, file)));
        } else {
            for (const r of resources) {
                out.push(...(await runResourcePolicy(policy, r, file)));
            }
        }
    }
    return out;
}

export function messagesOf(violations: readonly Violation[]): string[] {
    return violations.map((v) => v.message);
}

/** The part of each message before its remediation, after checking every message carries one. */
function problemsOf(violations: readonly Violation[]): string[] {
    return violations.map((v) => {
        const i = v.message.indexOf(" Remediation: ");
        if (i < 0 || v.message.slice(i + " Remediation: ".length).trim() === "") {
            throw new Error(`violation of ${v.policy} has no remediation: ${v.message}`);
        }
        return v.message.slice(0, i);
    });
}

// ---------------------------------------------------------------------------------------------
// A minimal JSON-schema check (the subset the pack's config schemas use), to prove the config
// files satisfy the schemas the engine validates them against.
// ---------------------------------------------------------------------------------------------

export function schemaErrors(schema: PolicyConfigJSONSchema | boolean, value: unknown, path = "(root)"): string[] {
    if (schema === true) return [];
    if (schema === false) return [`${path}: not allowed`];
    const errors: string[] = [];
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
        return [`${path}: expected ${types.join(" or ")}`];
    }
    if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        errors.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
    }
    if (Array.isArray(value) && schema.items !== undefined && !Array.isArray(schema.items)) {
        const items = schema.items;
        value.forEach((v, i) => errors.push(...schemaErrors(items, v, `${path}[${i}]`)));
    }
    if (isObject(value)) {
        for (const req of schema.required ?? []) {
            if (!(req in value)) errors.push(`${path}: ${req} is required`);
        }
        for (const [k, s] of Object.entries(schema.properties ?? {})) {
            if (k in value) errors.push(...schemaErrors(s, value[k], `${path}.${k}`));
        }
    }
    return errors;
}

function typeMatches(type: string, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "boolean":
            return typeof value === "boolean";
        case "number":
            return typeof value === "number";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "array":
            return Array.isArray(value);
        case "object":
            return isObject(value);
        case "null":
            return value === null;
        default:
            return false;
    }
}

/**
 * Runs one policy (resource policies over each given resource, stack policies over all of them)
 * and returns each violation's problem text (the part before "Remediation:").
 */
export async function problems(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    input: TestResource | readonly TestResource[],
    file?: PolicyConfigFile,
): Promise<string[]> {
    const resources = Array.isArray(input) ? (input as readonly TestResource[]) : [input as TestResource];
    if (isStackPolicy(policy)) {
        return problemsOf(await runStackPolicy(policy, resources, file));
    }
    const out: Violation[] = [];
    for (const r of resources) {
        out.push(...(await runResourcePolicy(policy, r, file)));
    }
    return problemsOf(out);
}
