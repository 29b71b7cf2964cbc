// azora-platform policy pack (CrossGuard).
//
// An independent check of what the program deploys: it imports nothing from the program; the
// facts it shares with the program (allowed registries, exemptions, per-environment strictness)
// arrive through the policy config file passed with --policy-pack-config (see config/*.json).
import { PolicyPack } from "@pulumi/policy";

import { allPolicies } from "./rules";

new PolicyPack("azora-platform", {
    description:
        "Pod Security Standards (restricted), container hardening, image provenance, probes, service accounts, secrets, networking, the Gateway API edge (Envoy Gateway), RBAC and stack-level availability for azora-platform's Kubernetes objects.",
    enforcementLevel: "mandatory",
    policies: [...allPolicies],
});
