import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import type { Policy } from "../../policies/lib/types";
import { allPolicies } from "../../policies/rules";
import { noPrivileged } from "../../policies/rules/pod-security";
import { deployment, SECURE_CONTAINER_CONTEXT } from "./fixtures";
import {
    ENVIRONMENTS,
    loadConfigFile,
    parseConfigFile,
    POLICIES_DIR,
    resolvePolicyConfig,
    runResourcePolicy,
    schemaErrors,
} from "./harness";

const POLICY_NAMES = allPolicies.map((p: Policy) => p.name);
const GROUPS = ["pss", "container", "image", "probes", "sa", "secrets", "network", "edge", "rbac", "storage", "availability", "objects"];

/** Policies that stay advisory in dev: hygiene and availability, not security boundaries. */
const ADVISORY_IN_DEV = [
    "container-read-only-root-filesystem",
    "container-resources",
    "container-ephemeral-storage",
    "container-empty-dir-size-limit",
    "image-digest-pinned",
    "probes-liveness-and-startup",
    "probes-readiness-on-served-workloads",
    "probes-liveness-differs-from-readiness",
    "sa-token-not-automounted",
    "network-namespace-default-deny",
    "network-workloads-selected-by-policy",
    "availability-deployment-has-pdb",
    "availability-deployment-has-hpa",
    "availability-pdb-allows-eviction",
    "availability-selectors-match-pods",
    "availability-high-availability",
    "availability-statefulset-headless-service",
];

describe("the pack's policies", () => {
    it("have unique names", () => {
        expect(new Set(POLICY_NAMES).size).toBe(POLICY_NAMES.length);
    });

    it("are named after their group and tagged with it", () => {
        for (const p of allPolicies) {
            const group = GROUPS.find((g) => p.name.startsWith(`${g}-`));
            expect(group, p.name).toBeDefined();
            expect(p.tags).toEqual([group]);
        }
    });

    it("each carry a description, remediation steps and a severity, and default to mandatory", () => {
        for (const p of allPolicies) {
            expect(p.description.length, p.name).toBeGreaterThan(20);
            expect(p.remediationSteps?.length ?? 0, p.name).toBeGreaterThan(20);
            expect(p.severity, p.name).toBeDefined();
            expect(p.enforcementLevel, p.name).toBe("mandatory");
        }
    });

    it("each accept exemptions in their config schema", () => {
        for (const p of allPolicies) {
            expect(p.configSchema?.properties["exemptions"], p.name).toBeDefined();
        }
    });

    it("are all documented in policies/README.md", () => {
        const readme = readFileSync(join(POLICIES_DIR, "README.md"), "utf8");
        expect(POLICY_NAMES.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
        expect(readme).toContain(`## Policies (${POLICY_NAMES.length})`);
    });

    it("never declare enforcementLevel as a config property, which the policy server refuses", () => {
        for (const p of allPolicies) {
            expect(Object.keys(p.configSchema?.properties ?? {}), p.name).not.toContain("enforcementLevel");
        }
    });
});

describe.each(ENVIRONMENTS)("the %s policy config", (env) => {
    const file = loadConfigFile(env);

    it("names only policies of the pack (or all)", () => {
        for (const key of Object.keys(file)) {
            expect(["all", ...POLICY_NAMES], key).toContain(key);
        }
    });

    it("satisfies every policy's config schema and uses no undeclared property", () => {
        for (const p of allPolicies) {
            const { properties } = resolvePolicyConfig(p, file);
            const declared = Object.keys(p.configSchema?.properties ?? {});
            expect(
                Object.keys(properties).filter((k) => !declared.includes(k)),
                p.name,
            ).toEqual([]);
            for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                if (key in properties) {
                    expect(schemaErrors(schema, properties[key], `${p.name}.${key}`)).toEqual([]);
                }
            }
        }
    });

    it("gives every exemption a reason", () => {
        for (const p of allPolicies) {
            const exemptions = resolvePolicyConfig(p, file).properties["exemptions"];
            // Config is JSON: each entry may be anything until checked.
            const entries: readonly unknown[] = Array.isArray(exemptions) ? exemptions : [];
            for (const e of entries) {
                const reason = typeof e === "object" && e !== null && "reason" in e ? e.reason : undefined;
                expect(typeof reason === "string" && reason.trim().length > 20, `${p.name}: ${JSON.stringify(e)}`).toBe(true);
            }
        }
    });

    it("allows the azora-os registry", () => {
        const registries = resolvePolicyConfig(allPolicies.find((p) => p.name === "image-allowed-registry") as Policy, file)
            .properties["allowedRegistries"];
        expect(registries).toContain("ghcr.io/azora-os");
    });
});

describe("per-environment enforcement", () => {
    it.each(["local", "staging", "prod"] as const)("makes every policy mandatory in %s", (env) => {
        const file = loadConfigFile(env);
        for (const p of allPolicies) {
            expect(resolvePolicyConfig(p, file).enforcementLevel, p.name).toBe("mandatory");
        }
    });

    it("relaxes only hygiene and availability policies to advisory in dev", () => {
        const file = loadConfigFile("dev");
        for (const p of allPolicies) {
            expect(resolvePolicyConfig(p, file).enforcementLevel, p.name).toBe(
                ADVISORY_IN_DEV.includes(p.name) ? "advisory" : "mandatory",
            );
        }
    });

    it("keeps every Pod Security, secrets and RBAC policy mandatory in dev", () => {
        const file = loadConfigFile("dev");
        for (const p of allPolicies.filter((x) => /^(pss|secrets|rbac)-/.test(x.name))) {
            expect(resolvePolicyConfig(p, file).enforcementLevel, p.name).toBe("mandatory");
        }
    });

    it("reports a violation at the level the environment sets", async () => {
        const privileged = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, privileged: true } },
        });
        const [v] = await runResourcePolicy(noPrivileged, privileged, { all: "advisory" });
        expect(v.enforcementLevel).toBe("advisory");
    });

    it("lets a policy's own entry override all", () => {
        expect(
            resolvePolicyConfig(noPrivileged, { all: "advisory", "pss-no-privileged": { enforcementLevel: "mandatory" } })
                .enforcementLevel,
        ).toBe("mandatory");
    });

    it("runs no check for a disabled policy", async () => {
        const privileged = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, privileged: true } },
        });
        expect(await runResourcePolicy(noPrivileged, privileged, { "pss-no-privileged": "disabled" })).toEqual([]);
    });

    it("rejects a config file with an invalid level, as the engine does", () => {
        expect(() => parseConfigFile({ all: "strict" })).toThrow(/all/);
    });
});

describe("the unsafe fixture's expectations", () => {
    it("name only policies of the pack", () => {
        const expected: unknown = JSON.parse(
            readFileSync(join(POLICIES_DIR, "..", "test", "fixtures", "unsafe", "expected-violations.json"), "utf8"),
        );
        const names = (expected as { policies: string[] }).policies;
        expect(names.length).toBeGreaterThan(10);
        for (const n of names) {
            expect(POLICY_NAMES, n).toContain(n);
        }
    });
});
