// Per service, from its logs: a surge of error lines against its own recent past, and the security
// events the seeds ask to alert on — repeated failed sign-ins from one client, and bursts of access
// denials from one client. The rules are generated per catalog service (the expressions aggregate
// the shipper's series, so the texts name the service rather than read a label). The counters are the log shipper's (model/log-events.ts); Prometheus
// evaluates these rules, so they route like every other alert and promtool tests them.
import type { AlertName, Duration } from "../../model/alerts";
import type { ServiceSpec } from "../../model/catalog";
import { durationWords } from "../../model/durations";
import { clientLabel, errorLevels, failedOutcome, logFields, logSignalMetric, securityEvents } from "../../model/log-events";
import { lokiServiceLabel } from "../../model/metrics";
import { by, num, selector } from "../../model/promql";
import { hold, lines, type RuleBuilder, type WindowedHold } from "../core/builder";
import { promql } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { fromAlert, jobVar } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackJob } from "../stack/jobs";
import { serviceLogs, serviceWorkload } from "./common";

/**
 * Error lines per second over `window` above `factor` × the service's own rate over the `baseline`
 * before it (a service that logged no error then counts as zero), and at least `minPerSecond`.
 * A baseline of hours lets a sustained surge keep firing for about an hour before it becomes the
 * new normal; a steady error rate is the HTTP and business alerts' concern.
 */
const errorLogSurge = {
    window: "10m",
    baseline: "6h",
    factor: 5,
    minPerSecond: 0.2,
    severity: "warning",
    for: "10m",
} as const satisfies WindowedHold & { baseline: Duration; factor: number; minPerSecond: number };

/** Failed sign-ins from one client to one service over `window`, at least `count`: password guessing or credential stuffing. */
const authFailureBurst = { window: "5m", count: 20, severity: "warning", for: "2m" } as const satisfies WindowedHold & {
    count: number;
};

/** Authorisation refusals for one client by one service over `window`, at least `count`: probing or enumeration. */
const accessDeniedBurst = { window: "5m", count: 30, severity: "warning", for: "5m" } as const satisfies WindowedHold & {
    count: number;
};

type LogEvents = Extract<AlertName, "AzoraErrorLogSurge" | "AzoraAuthFailureBurst" | "AzoraAccessDeniedBurst">;

const shipperJob = stackJob("logShipper");
type Signal = Parameters<typeof logSignalMetric>[0];
const signal = (name: Signal, service: string, extra: Record<string, { not: string }> = {}): string =>
    selector(logSignalMetric(name), { job: shipperJob, [lokiServiceLabel]: service, ...extra });
/** Lines without the client field carry no client label: they say nothing about one client. */
const withClient = { [clientLabel]: { not: "" } };
const byClient = by([clientLabel]);

export function errorLogRules(rb: RuleBuilder<LogEvents>, s: ServiceSpec): Rule[] {
    const e = errorLogSurge;
    const lines5 = signal("errorLines", s.name);
    const now = `sum (rate(${lines5}[${e.window}]))`;
    const before = `(sum (rate(${lines5}[${e.baseline}] offset ${e.window})) or vector(0))`;
    return [
        rb.alert({
            name: "AzoraErrorLogSurge",
            expr: lines(`${now} > ${num(e.factor)} * ${before}`, "and", `${now} > ${num(e.minPerSecond)}`),
            ...hold(e),
            summary: `${s.name} logs {{ $value | humanize }} error lines/s, a surge`,
            description:
                `${s.name} has logged {{ $value | humanize }} error lines per second over the last ${durationWords(e.window)}, ` +
                `more than ${num(e.factor)} times its rate of the ${durationWords(e.baseline)} before, for ${durationWords(e.for)}: ` +
                "something new is failing.",
        }),
    ];
}

export function securityLogRules(rb: RuleBuilder<LogEvents>, s: ServiceSpec, signsIn: boolean): Rule[] {
    const burst = (metric: Signal, t: { window: Duration; count: number }): string =>
        `sum ${byClient} (increase(${signal(metric, s.name, withClient)}[${t.window}])) >= ${num(t.count)}`;
    const a = authFailureBurst;
    const d = accessDeniedBurst;
    return [
        ...(signsIn
            ? [
                  rb.alert({
                      name: "AzoraAuthFailureBurst",
                      expr: burst("authFailures", a),
                      ...hold(a),
                      summary: `{{ $value | humanize }} failed sign-ins from {{ $labels.${clientLabel} }} to ${s.name} in ${a.window}`,
                      description:
                          `Client {{ $labels.${clientLabel} }} failed to authenticate with ${s.name} {{ $value | humanize }} times ` +
                          `in ${durationWords(a.window)} (at least ${num(a.count)}), for ${durationWords(a.for)}: password guessing or ` +
                          "credential stuffing from one address.",
                  }),
              ]
            : []),
        rb.alert({
            name: "AzoraAccessDeniedBurst",
            expr: burst("accessDenied", d),
            ...hold(d),
            summary: `${s.name} denied {{ $labels.${clientLabel} }} {{ $value | humanize }} times in ${d.window}`,
            description:
                `${s.name} refused {{ $value | humanize }} requests of client {{ $labels.${clientLabel} }} as not allowed in ` +
                `${durationWords(d.window)} (at least ${num(d.count)}), for ${durationWords(d.for)}: an authenticated caller probing ` +
                "or enumerating what it may not read.",
        }),
    ];
}

/** The JSON filter of a log query for one security event (the fields of model/log-events.ts). */
function eventFilter(event: string, extra: Record<string, string> = {}): string {
    const matchers = Object.entries({ [logFields.event]: event, ...extra }).map(([k, v]) => `${k}="${v}"`);
    return `| json | ${matchers.join(" | ")}`;
}
const clientVar = "$CLIENT";
const fromClient = `${fromAlert} Set «CLIENT» from the alert's «${clientLabel}» label.`;
const shipperQuery = (metric: Signal, window: Duration, groupBy: readonly string[]): string =>
    `topk(10, sum ${by(groupBy)} (increase(${selector(logSignalMetric(metric), { job: shipperJob, [lokiServiceLabel]: jobVar })}[${window}])))`;
const blockClient =
    "- One address: block it in front of the gateway (the load balancer's or the ingress controller's deny list) and check whether any " +
    "of its attempts succeeded " +
    "(the audit stream, query above without the outcome filter).";

export const logEventRunbooks = runbooks<LogEvents>(__filename, {
    AzoraErrorLogSurge: () => ({
        meaning:
            `A service has logged more than ${num(errorLogSurge.minPerSecond)} lines per second at level ${errorLevels.join(" or ")} over ` +
            `${durationWords(errorLogSurge.window)}, and more than ${num(errorLogSurge.factor)} times its own rate of the ` +
            `${durationWords(errorLogSurge.baseline)} before, for ${durationWords(errorLogSurge.for)}. Counted by the log shipper ` +
            `(«${logSignalMetric("errorLines")}»).`,
        impact: "Something started failing: a dependency, a release, bad input. Requests may be failing without a 5xx (background work, retries).",
        check: [
            fromAlert,
            serviceLogs(`| json | ${logFields.level}=~"${errorLevels.join("|")}"`),
            promql(
                `sum (rate(${selector(logSignalMetric("errorLines"), { job: shipperJob, [lokiServiceLabel]: jobVar })}[${errorLogSurge.window}]))`,
            ),
            serviceWorkload,
        ].join("\n\n"),
        act: [
            "- The same message over and over: follow it (a dependency down, a secret rotated, a schema change).",
            "- Began with a rollout: roll back (see [AzoraHighErrorRate](AzoraHighErrorRate.md)).",
            "- Expected (a migration, a batch job): let it resolve; it stops once the surge becomes the baseline.",
        ].join("\n"),
    }),
    AzoraAuthFailureBurst: () => ({
        meaning:
            `One client («${clientLabel}» label, the «${logFields.client}» field of the service's log line) failed to sign in to the ` +
            `service at least ${num(authFailureBurst.count)} times in ${durationWords(authFailureBurst.window)}, for ` +
            `${durationWords(authFailureBurst.for)} (event «${securityEvents.authAttempt}», outcome «${failedOutcome}»).`,
        impact: "Someone is guessing passwords or replaying leaked credentials from one address; accounts may be locked out or taken over.",
        check: [
            fromClient,
            serviceLogs(
                `${eventFilter(securityEvents.authAttempt, { [logFields.outcome]: failedOutcome, [logFields.client]: clientVar })}`,
            ),
            promql(shipperQuery("authFailures", authFailureBurst.window, [clientLabel])),
        ].join("\n\n"),
        act: [
            blockClient,
            "- Many addresses at once (several of these alerts, or [AzoraAuthFailureRateHigh](AzoraAuthFailureRateHigh.md)): credential stuffing; tighten the sign-in rate limit and force MFA.",
            "- Your own client (a monitor, a CI job with an expired secret): fix its credentials.",
        ].join("\n"),
    }),
    AzoraAccessDeniedBurst: () => ({
        meaning:
            `A service refused one client («${clientLabel}» label) at least ${num(accessDeniedBurst.count)} times in ` +
            `${durationWords(accessDeniedBurst.window)} as not allowed (event «${securityEvents.accessDenied}»), for ` +
            `${durationWords(accessDeniedBurst.for)}.`,
        impact: "An authenticated caller is probing resources it may not read (enumeration of ids), or a client or a role change broke its permissions.",
        check: [
            fromClient,
            serviceLogs(eventFilter(securityEvents.accessDenied, { [logFields.client]: clientVar })),
            promql(shipperQuery("accessDenied", accessDeniedBurst.window, [clientLabel])),
        ].join("\n\n"),
        act: [
            blockClient,
            "- Many users of one client at once after a release or a role change: a permissions bug; roll back the change.",
        ].join("\n"),
    }),
});
