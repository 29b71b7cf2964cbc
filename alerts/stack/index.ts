// The stack part (file azora-stack.rules.yaml): one group per component family, and their runbooks.
import type { RuleBuilder } from "../core/builder";
import type { RuleGroup } from "../core/types";
import { alertmanagerRules, alertmanagerRunbooks } from "./alertmanager";
import { componentRules, componentRunbooks } from "./components";
import { logRules, logRunbooks } from "./logs";
import { metaRules, metaRunbooks } from "./meta";
import { prometheusRules, prometheusRunbooks } from "./prometheus";
import { traceRules, traceRunbooks } from "./traces";

export const stackRunbooks = {
    ...metaRunbooks,
    ...componentRunbooks,
    ...prometheusRunbooks,
    ...alertmanagerRunbooks,
    ...traceRunbooks,
    ...logRunbooks,
};

/** The stack's rule groups (file azora-stack.rules.yaml). */
export function stackRuleGroups(rb: RuleBuilder): RuleGroup[] {
    return [
        { name: "azora-meta", rules: metaRules(rb) },
        { name: "azora-stack-availability", rules: componentRules(rb) },
        { name: "azora-stack-prometheus", rules: prometheusRules(rb) },
        { name: "azora-stack-alertmanager", rules: alertmanagerRules(rb) },
        { name: "azora-stack-traces", rules: traceRules(rb) },
        { name: "azora-stack-logs", rules: logRules(rb) },
    ];
}
