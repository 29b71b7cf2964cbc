// The multi-window, multi-burn-rate alerts of one service's SLOs and their runbook: alerts compare
// a long and a short window against burn-rate × (1 − objective); the short window makes a page stop
// soon after the problem does.
import type { AlertName } from "../../model/alerts";
import type { ServiceSpec } from "../../model/catalog";
import { num, selector } from "../../model/promql";
import { sloPeriod, sloRecordNames, type SloKind, type SloWindow, sloWindows } from "../../model/slo";
import { lines, type RuleBuilder } from "../core/builder";
import { formatPercent, formatSeconds } from "../core/format";
import { promql, table } from "../core/markdown";
import { runbooks, type Runbook } from "../core/runbook";
import { alertJob, fromAlert } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { routeErrors, routeLatency } from "../services/http";
import { burnRatePolicies, type BurnRatePolicy, pagePolicy, ticketPolicy } from "../../model/slo";
import { objective } from "./records";
import { durationSeconds, durationWords } from "../../model/durations";

type BudgetBurn = Extract<AlertName, "AzoraAvailabilityBudgetBurn" | "AzoraLatencyBudgetBurn">;

const periodMinutes = durationSeconds(sloPeriod) / 60;
const [shortestWindow] = sloWindows;
/** Where the bad requests come from, over the page's first long window. */
const diagnosisWindow = pagePolicy.conditions[0]?.long ?? shortestWindow;

const sloAlertName: Record<SloKind, BudgetBurn> = {
    availability: "AzoraAvailabilityBudgetBurn",
    latency: "AzoraLatencyBudgetBurn",
};

function burnExpr(s: ServiceSpec, kind: SloKind, policy: BurnRatePolicy): string {
    const budget = num(1 - objective(s, kind));
    const sel = (w: SloWindow): string => selector(sloRecordNames[kind](w), { job: s.name });
    return policy.conditions
        .map((c) =>
            lines(
                "(",
                `  ${sel(c.long)} / ${budget} > ${num(c.factor)}`,
                "  and",
                `  ${sel(c.short)} / ${budget} > ${num(c.factor)}`,
                ")",
            ),
        )
        .join("\nor\n");
}

function describeSlo(s: ServiceSpec, kind: SloKind): string {
    return kind === "availability"
        ? `${formatPercent(s.slo.availability)} of requests without a 5xx`
        : `${formatPercent(s.slo.latency.target)} of requests faster than ${formatSeconds(s.slo.latency.thresholdSeconds)}`;
}

function describeConditions(policy: BurnRatePolicy): string {
    return policy.conditions.map((c) => `${num(c.factor)}× over ${c.long} (confirmed over ${c.short})`).join(" or ");
}

export function sloAlert(rb: RuleBuilder<BudgetBurn>, s: ServiceSpec, kind: SloKind, policy: BurnRatePolicy): Rule {
    const what = kind === "availability" ? "availability" : "latency";
    return rb.alert({
        name: sloAlertName[kind],
        expr: burnExpr(s, kind, policy),
        for: policy.for,
        severity: policy.severity,
        labels: { slo: kind, urgency: policy.urgency },
        summary: `{{ $labels.job }} is burning its ${what} error budget {{ printf "%.1f" $value }}× too fast (${policy.urgency})`,
        description:
            `{{ $labels.job }} spends its ${sloPeriod} ${what} error budget (SLO: ${describeSlo(s, kind)}) ` +
            `{{ printf "%.1f" $value }}× faster than sustainable over the long window; ` +
            `this ${policy.urgency} fires at ${describeConditions(policy)}.`,
    });
}

function sloRunbook(services: readonly ServiceSpec[], kind: "availability" | "latency"): Runbook {
    const bad = kind === "availability" ? "requests answered with a 5xx" : "requests slower than the service's threshold";
    const minutes = (objective: number): string => `${Math.round((1 - objective) * periodMinutes * 10) / 10} min`;
    const policyRows = burnRatePolicies.flatMap((p) =>
        p.conditions.map((c) => [
            p.urgency,
            p.severity,
            `${num(c.factor)}×`,
            `${c.long} and ${c.short}`,
            `${Math.round(((100 * c.factor * durationSeconds(c.long)) / durationSeconds(sloPeriod)) * 10) / 10}% of the budget`,
        ]),
    );
    return {
        meaning:
            `The service spends its ${sloPeriod} ${kind} error budget (the share of ${bad} the SLO allows) faster than ` +
            "sustainable, measured over a long and a short window at once (multi-window, multi-burn-rate, Google SRE " +
            `workbook). «urgency=${pagePolicy.urgency}» (${pagePolicy.severity}) means the budget is gone within days; ` +
            `«urgency=${ticketPolicy.urgency}» (${ticketPolicy.severity}) within the month. The value in the summary is ` +
            "the burn rate over the long window (1× = exactly the budget).",
        impact:
            kind === "availability"
                ? "Users see errors; at this rate the SLO will be missed."
                : "Users wait; at this rate the latency SLO will be missed.",
        facts: [
            table(
                ["service", kind === "availability" ? "objective" : "objective (threshold)", `budget per ${durationWords(sloPeriod)}`],
                services.map((s) =>
                    kind === "availability"
                        ? [s.name, formatPercent(s.slo.availability), `${minutes(s.slo.availability)} of full outage`]
                        : [
                              s.name,
                              `${formatPercent(s.slo.latency.target)} faster than ${formatSeconds(s.slo.latency.thresholdSeconds)}`,
                              `${formatPercent(1 - s.slo.latency.target)} of requests slow`,
                          ],
                ),
            ),
            table(["urgency", "severity", "burn rate", "windows (both must exceed)", "budget spent when it fires"], policyRows),
            `Recorded ratios: «${sloRecordNames[kind](shortestWindow)}» and the other windows (${sloWindows.join(", ")}).`,
        ].join("\n\n"),
        check: [
            fromAlert,
            "1. How fast, over which windows:",
            promql(...sloWindows.map((w) => alertJob(sloRecordNames[kind](w)))),
            kind === "availability"
                ? "2. Where the errors come from: follow [AzoraHighErrorRate](AzoraHighErrorRate.md)'s checks."
                : "2. Which routes are slow: follow [AzoraHighLatency](AzoraHighLatency.md)'s checks.",
            promql(kind === "availability" ? routeErrors(diagnosisWindow) : routeLatency(diagnosisWindow)),
            "3. Did it start with a rollout? «kubectl -n $NS rollout history deploy/$JOB», «pulumi stack history».",
        ].join("\n\n"),
        act: [
            "- **Page**: mitigate first (roll back the last change, scale out, fail over a dependency), diagnose after.",
            "- **Ticket**: a slow leak of budget; find the cause during working hours (a route with chronic errors or " +
                "slowness, a noisy dependency) and fix it before the budget runs out.",
            "- When the budget is spent: freeze risky releases for the service until it recovers (error-budget policy).",
        ].join("\n"),
    };
}

export const budgetBurnRunbooks = runbooks<BudgetBurn>(__filename, {
    AzoraAvailabilityBudgetBurn: (services) => sloRunbook(services, "availability"),
    AzoraLatencyBudgetBurn: (services) => sloRunbook(services, "latency"),
});
