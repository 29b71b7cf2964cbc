import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { policyConfigErrors } from "../../policies/lib/config-check";
import { allPolicies } from "../../policies/rules";
import { POLICIES_DIR } from "./harness";

const CONFIG_FILES = readdirSync(join(POLICIES_DIR, "config")).filter((f) => f.endsWith(".json"));

const errorsOf = (raw: unknown) => policyConfigErrors(raw, allPolicies);

describe("the policy config check", () => {
    it.each(CONFIG_FILES)("finds nothing wrong with policies/config/%s", (file) => {
        expect(errorsOf(JSON.parse(readFileSync(join(POLICIES_DIR, "config", file), "utf8")))).toEqual([]);
    });

    it("refuses a key that names no policy, suggesting the nearest name", () => {
        expect(errorsOf({ "pss-no-privilegd": "advisory" })).toEqual([
            'pss-no-privilegd: is not a policy of the pack (did you mean "pss-no-privileged"?); fix the name or remove the entry.',
        ]);
    });

    it("refuses an old policy name after a rename", () => {
        expect(errorsOf({ "rbac-no-cluster-admin-binding": "mandatory" })[0]).toMatch(
            /^rbac-no-cluster-admin-binding: is not a policy of the pack/,
        );
    });

    it("refuses a setting the policy does not declare, listing the ones it does", () => {
        expect(errorsOf({ "image-allowed-registry": { allowedRegistry: ["ghcr.io/azora-os"] } })).toEqual([
            'image-allowed-registry.allowedRegistry: is not a setting of image-allowed-registry (did you mean "allowedRegistries"?); its settings are allowedRegistries, exemptions.',
        ]);
    });

    it("refuses an unknown enforcement level", () => {
        expect(errorsOf({ all: "strict" })).toEqual([
            'all: "strict" is not an enforcement level (advisory, mandatory, remediate, disabled).',
        ]);
    });

    it("refuses settings under all, which only takes a level", () => {
        expect(errorsOf({ all: { enforcementLevel: "mandatory", exemptions: [] } })).toEqual([
            'all.exemptions: "all" only takes an enforcementLevel; settings belong under the policy that reads them.',
        ]);
    });

    it("refuses an exemption without a reason", () => {
        expect(
            errorsOf({ "pss-no-host-path": { exemptions: [{ resource: "DaemonSet/azora-logging/log-shipper", reason: " " }] } }),
        ).toEqual([
            "pss-no-host-path.exemptions[0].reason: is missing or blank; say why the object may break the policy, or remove the exemption.",
        ]);
    });

    it("refuses an exemption with a malformed resource and an unknown field", () => {
        expect(
            errorsOf({
                "pss-no-host-path": { exemptions: [{ resource: "DaemonSet/a/b/c", reason: "node agent", until: "2027" }] },
            }),
        ).toEqual([
            'pss-no-host-path.exemptions[0].until: is not a field of an exemption; an exemption has only "resource" and "reason".',
            'pss-no-host-path.exemptions[0].resource: must name one object as "Kind/namespace/name", "Kind/name" or "name" (got "DaemonSet/a/b/c").',
        ]);
    });

    it("refuses exemptions that are not a list", () => {
        expect(errorsOf({ "pss-no-host-path": { exemptions: { resource: "log-shipper" } } })).toEqual([
            'pss-no-host-path.exemptions: must be a list of { "resource": "Kind/namespace/name", "reason": "why" }.',
        ]);
    });
});
