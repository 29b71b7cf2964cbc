// Per business metric of the catalog: the share of failed operations, under the metric's own alert
// (sign-ins, payments, enrollments) or the platform default.
import type { AlertName, Duration } from "../../model/alerts";
import type { BusinessMetric, FailureThreshold, ServiceSpec } from "../../model/catalog";
import { http } from "../../model/metrics";
import { by, quote, selector } from "../../model/promql";
import type { RuleBuilder } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, table } from "../core/markdown";
import { runbooks, type Runbook } from "../core/runbook";
import { alertJob, fromAlert, jobVar, spaceMatchers } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { byJob } from "../core/scrape";
import { rate, serviceLogs, shareAbove } from "./common";

type Business = Extract<
    AlertName,
    | "AzoraAuthFailureRateHigh"
    | "AzoraPaymentFailures"
    | "AzoraEnrollmentFailures"
    | "AzoraBusinessOperationFailures"
>;

export interface BusinessPolicy {
    alert: Business;
    window: Duration;
    thresholds: readonly FailureThreshold[];
}

const defaultBusinessPolicy: BusinessPolicy = {
    alert: "AzoraBusinessOperationFailures",
    window: "15m",
    thresholds: [{ severity: "warning", value: 0.1, for: "15m" }],
};
/** A failure ratio only counts once at least this many operations failed inside the window. */
const minBusinessFailures = 3;

/** The value of a business metric's outcome label (`outcomeLabel` in the catalog) on a failed operation. */
const failedOutcome = "failed";

/** The static labels a business alert carries: which counter, and the operation's title. */
const businessLabels = { metric: "business_metric", operation: "operation" } as const;

/** The catalog's own failure alert for this metric, else the default one. */
export function businessPolicyFor(metric: BusinessMetric): BusinessPolicy {
    return metric.failureAlert ?? defaultBusinessPolicy;
}

const failed = (m: BusinessMetric): Record<string, string> => ({ [m.outcomeLabel]: failedOutcome });

export function businessRules(rb: RuleBuilder<Business>, s: ServiceSpec): Rule[] {
    return s.businessMetrics.flatMap((m) => {
        const policy = businessPolicyFor(m);
        const failures = selector(m.metric, { job: s.name, ...failed(m) });
        const share = { bad: failures, all: selector(m.metric, { job: s.name }), window: policy.window };
        return policy.thresholds.map((t) =>
            rb.alert({
                name: policy.alert,
                expr: shareAbove(share, t.value, `sum ${byJob} (increase(${failures}[${policy.window}])) >= ${minBusinessFailures}`),
                for: t.for,
                severity: t.severity,
                labels: { [businessLabels.metric]: m.metric, [businessLabels.operation]: m.title },
                summary: `{{ $value | humanizePercentage }} of ${m.title.toLowerCase()} fail in {{ $labels.job }}`,
                description:
                    `{{ $value | humanizePercentage }} of ${m.title.toLowerCase()} (${m.metric} with ` +
                    `${m.outcomeLabel}=${quote(failedOutcome)}) failed in {{ $labels.job }} over ${policy.window} ` +
                    `(${t.severity} above ${formatPercent(t.value)} for ${t.for}, at least ${minBusinessFailures} failures).`,
            }),
        );
    });
}

/** What a business runbook says about the service that exports the metric. */
interface BusinessText {
    meaning: string;
    impact: string;
    check: string[];
    act: string[];
}

/** The owner of a business alert's metric, and the queries its runbook starts from. */
interface BusinessOwner {
    owner: ServiceSpec;
    window: Duration;
    /** Failed operations per pod over the alert's window. */
    failuresByPod: string;
}

/** `sel` (the failed operations of the alert's job) per pod over `window`. */
function failuresByPod(sel: string, window: Duration): string {
    return `sum ${by(["pod"])} (${rate(sel, window)})`;
}

function thresholdsText(policy: BusinessPolicy): string {
    return policy.thresholds.map((t) => `${t.severity} > ${formatPercent(t.value)} over ${policy.window} for ${t.for}`).join("; ");
}

function externalHosts(s: ServiceSpec): string {
    return s.externalEndpoints.map((e) => `${e.host}:${e.port}, ${e.purpose}`).join("; ") || "none in the catalog";
}

/** The metrics of the catalog raising `alert`, with the service exporting each. */
function metricsRaising(services: readonly ServiceSpec[], alert: Business): { s: ServiceSpec; m: BusinessMetric }[] {
    return services.flatMap((s) => s.businessMetrics.filter((m) => businessPolicyFor(m).alert === alert).map((m) => ({ s, m })));
}

/** The runbook of an alert that one catalog metric raises; the prose is written for the owning
 *  service (the one exporting that metric), so names, callees and secrets come from the catalog. */
function businessRunbook(services: readonly ServiceSpec[], alert: Business, textFor: (o: BusinessOwner) => BusinessText): Runbook {
    const owners = metricsRaising(services, alert);
    const first = owners[0];
    if (!first) throw new Error(`no business metric of the catalog raises ${alert}`);
    const { window } = businessPolicyFor(first.m);
    const text = textFor({ owner: first.s, window, failuresByPod: failuresByPod(alertJob(first.m.metric, failed(first.m)), window) });
    return {
        meaning:
            `${text.meaning} Counted from «${first.m.metric}» with «${first.m.outcomeLabel}=${quote(failedOutcome)}»; it ` +
            `fires only once at least ${minBusinessFailures} operations failed within the window.`,
        impact: text.impact,
        facts: table(
            ["service", "metric", "thresholds"],
            owners.map(({ s, m }) => [s.name, `«${m.metric}»`, thresholdsText(businessPolicyFor(m))]),
        ),
        check: [fromAlert, ...text.check].join("\n\n"),
        act: text.act.join("\n"),
    };
}

export const businessRunbooks = runbooks<Business>(__filename, {
    AzoraAuthFailureRateHigh: (services) => businessRunbook(services, "AzoraAuthFailureRateHigh", ({ owner, window, failuresByPod }) => ({
        meaning: "A large share of sign-in attempts fail (wrong credentials, expired MFA codes, locked accounts).",
        impact:
            "Either users cannot sign in (a bug, a broken MFA e-mail path, clock skew on TOTP) or someone is " +
            "guessing credentials (credential stuffing).",
        check: [
            promql(failuresByPod, `sum ${by(["route", "status_code"])} (${rate(alertJob(http.requests), window)})`),
            serviceLogs('|= "auth" | json | outcome="failed"'),
            "Compare with the gateway's 401/403 ([AzoraGatewayAuthErrorSpike](AzoraGatewayAuthErrorSpike.md)) and " +
                `the external endpoints of ${owner.name} (${externalHosts(owner)}).`,
        ],
        act: [
            "- Few clients, many failures: an attack. Tighten the gateway rate limit («edge.rateLimit») or block the sources at the ingress; inform security.",
            `- Failures across all users after a deploy: roll back ${owner.name} (see [AzoraServiceDown](AzoraServiceDown.md) for the commands).`,
            "- MFA failures only: check the mail endpoint and the pods' clock («date» in the pod vs NTP).",
        ],
    })),
    AzoraPaymentFailures: (services) => businessRunbook(services, "AzoraPaymentFailures", ({ owner, failuresByPod }) => ({
        meaning: `A share of payment attempts end with outcome «${failedOutcome}» (not including the retries that succeed).`,
        impact: "Revenue is lost and learners cannot subscribe; failed charges may need reconciliation.",
        check: [
            promql(failuresByPod),
            serviceLogs('|= "payment" | json | outcome="failed"'),
            `Check the processor's status page and the egress to it (${externalHosts(owner)}), and whether ` +
                `${owner.name}'s callees (${owner.calls.join(", ") || "none"}) are healthy.`,
        ],
        act: [
            "- Processor outage: nothing to fix locally; post a status notice, watch for recovery, reconcile afterwards.",
            ...owner.externalSecrets.map(
                (key) =>
                    `- Authentication errors to the processor: the «${key}» external secret expired or was rotated; update it ` +
                    `(«pulumi config set --secret --path 'secrets.externalValues.${owner.name}.${key}'» or the ` +
                    `«${owner.name}-external» Secret) and restart the pods.`,
            ),
            `- After a deploy: roll back ${owner.name}.`,
        ],
    })),
    AzoraEnrollmentFailures: (services) => businessRunbook(services, "AzoraEnrollmentFailures", ({ owner, failuresByPod }) => ({
        meaning: `A share of course enrollments end with outcome «${failedOutcome}».`,
        impact: "Learners cannot join courses.",
        check: [
            promql(failuresByPod),
            serviceLogs('|= "enroll" | json | outcome="failed"'),
            `${owner.name} calls ${owner.calls.join(", ") || "no other service"}; check their alerts` +
                (owner.database ? ` and the «${owner.database.name}» database pool.` : "."),
        ],
        act: [
            "- A callee is failing: act on that service's alert.",
            "- Validation failures after a content change (course capacity, prerequisites): tell the course owners.",
            `- After a deploy: roll back ${owner.name}.`,
        ],
    })),
    AzoraBusinessOperationFailures: (services) => ({
        meaning:
            `A share of a service's business operations (the «${businessLabels.operation}» and «${businessLabels.metric}» ` +
            `labels: builds, searches, provider calls, ledger writes, assessments...) end with outcome «${failedOutcome}».`,
        impact: "The feature the operation belongs to fails for users even if HTTP status codes look fine.",
        facts: table(
            ["service", "metric", "operation", "thresholds"],
            metricsRaising(services, defaultBusinessPolicy.alert).map(({ s, m }) => [
                s.name,
                `«${m.metric}»`,
                m.title,
                thresholdsText(businessPolicyFor(m)),
            ]),
        ),
        check: [
            fromAlert,
            promql(failuresByPod(anyBusinessMetric(services), defaultBusinessPolicy.window)),
            serviceLogs('| json | outcome="failed"'),
            "Check the service's callees and external endpoints (for example the AI provider for provider calls).",
        ].join("\n\n"),
        act: [
            "- External provider failing or over quota: check its status and the service's API key; reduce load if quota-bound.",
            "- A callee failing: act on that service's alert.",
            "- After a deploy: roll back the service.",
        ].join("\n"),
    }),
});

/** The failed operations of whichever metric the alert's business_metric label names (the
 *  outcome label is the one the default alert's metrics share). */
function anyBusinessMetric(services: readonly ServiceSpec[]): string {
    const labels = new Set(metricsRaising(services, defaultBusinessPolicy.alert).map(({ m }) => m.outcomeLabel));
    const outcome = labels.size === 1 ? [...labels].join("") : "<outcome label>";
    return spaceMatchers(selector("", { __name__: `<${businessLabels.metric} label>`, job: jobVar, [outcome]: failedOutcome }));
}
