// The edge part (file azora-edge.rules.yaml): the public Gateway's Envoy proxies and the certificates
// cert-manager issues for it. Its series come from the edge's scrape jobs (model/edge-metrics.ts).
import type { RuleBuilder } from "../core/builder";
import type { RuleGroup } from "../core/types";
import { certificateRules, certificateRunbooks } from "./certificates";
import { proxyRules, proxyRunbooks } from "./proxies";

export const edgeRunbooks = { ...proxyRunbooks, ...certificateRunbooks };

/** The edge's rule groups (file azora-edge.rules.yaml). */
export function edgeRuleGroups(rb: RuleBuilder): RuleGroup[] {
    return [
        { name: "azora-edge-proxies", rules: proxyRules(rb) },
        { name: "azora-edge-certificates", rules: certificateRules(rb) },
    ];
}
