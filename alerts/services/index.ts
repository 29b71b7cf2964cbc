// The per-service part (file azora-services.rules.yaml): one group per concern, each holding the
// rules of every service, and the runbooks of the alerts those groups raise.
import type { ServiceSpec } from "../../model/catalog";
import { memoryLimitRecord } from "../../model/metrics";
import { num } from "../../model/promql";
import { forJob, type RuleBuilder } from "../core/builder";
import type { RuleGroup } from "../core/types";
import { availabilityRules, availabilityRunbooks } from "./availability";
import { businessRules, businessRunbooks } from "./business";
import { databaseRules, databaseRunbooks } from "./database";
import { authOwners, gatewayAuthRules, httpRules, httpRunbooks } from "./http";
import { errorLogRules, logEventRunbooks, securityLogRules } from "./log-events";
import { memoryRules, memoryRunbooks } from "./memory";
import { trafficRules, trafficRunbooks } from "./traffic";

export const serviceRunbooks = {
    ...availabilityRunbooks,
    ...httpRunbooks,
    ...databaseRunbooks,
    ...memoryRunbooks,
    ...businessRunbooks,
    ...trafficRunbooks,
    ...logEventRunbooks,
};

/** The per-service rule groups (file azora-services.rules.yaml). */
export function serviceRuleGroups(
    rb: RuleBuilder,
    services: readonly ServiceSpec[],
    memoryLimitBytes: Readonly<Record<string, number>>,
): RuleGroup[] {
    const limitOf = (s: ServiceSpec): number => {
        const bytes = memoryLimitBytes[s.name];
        if (bytes === undefined) throw new Error(`memoryLimitBytes has no limit for service "${s.name}"`);
        return bytes;
    };
    const signsIn = new Set(authOwners(services).map((s) => s.name));
    return [
        { name: "azora-service-availability", rules: services.flatMap((s) => forJob(s.name, availabilityRules(rb, s))) },
        {
            name: "azora-service-http",
            rules: [
                ...services.flatMap((s) => forJob(s.name, httpRules(rb, s))),
                ...services.filter((s) => s.public).flatMap((s) => forJob(s.name, gatewayAuthRules(rb, s))),
            ],
        },
        { name: "azora-service-database", rules: services.flatMap((s) => forJob(s.name, databaseRules(rb, s))) },
        {
            name: "azora-service-memory",
            rules: [
                ...services.map((s) => rb.record(memoryLimitRecord, `vector(${num(limitOf(s))})`, { job: s.name })),
                ...services.flatMap((s) => forJob(s.name, memoryRules(rb, s))),
            ],
        },
        { name: "azora-service-business", rules: services.flatMap((s) => forJob(s.name, businessRules(rb, s))) },
        { name: "azora-service-traffic", rules: services.flatMap((s) => forJob(s.name, trafficRules(rb, s))) },
        {
            name: "azora-service-log-events",
            rules: services.flatMap((s) =>
                forJob(s.name, [...errorLogRules(rb, s), ...securityLogRules(rb, s, signsIn.has(s.name))]),
            ),
        },
    ].filter((g) => g.rules.length > 0);
}
