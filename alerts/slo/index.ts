// The SLO part (file azora-slo.rules.yaml): per service, one group holding its SLO records and the
// budget-burn alerts that read them.
import type { ServiceSpec } from "../../model/catalog";
import { forJob, type RuleBuilder } from "../core/builder";
import type { Rule, RuleGroup } from "../core/types";
import { budgetBurnRunbooks, sloAlert } from "./budget-burn";
import { burnRatePolicies } from "../../model/slo";
import { sloKinds, sloRecords } from "./records";

export const sloRunbooks = { ...budgetBurnRunbooks };

/** Recording and alerting rules of one service's SLOs: one group per service, records first so
 *  the alerts in the same evaluation read fresh ratios. */
function sloRuleGroup(rb: RuleBuilder, s: ServiceSpec): RuleGroup {
    const rules: Rule[] = sloKinds.flatMap((kind) => sloRecords(rb, s, kind));
    for (const kind of sloKinds) {
        for (const policy of burnRatePolicies) rules.push(sloAlert(rb, s, kind, policy));
    }
    return { name: `azora-slo-${s.name}`, rules: forJob(s.name, rules) };
}

export function sloRuleGroups(rb: RuleBuilder, services: readonly ServiceSpec[]): RuleGroup[] {
    return services.map((s) => sloRuleGroup(rb, s));
}
