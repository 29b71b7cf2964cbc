// Per business metric of the catalog: the share of failed operations, under the metric's own alert
// (sign-ins, payments, enrollments) or the platform default.
import type { AlertName, Duration } from "../../model/alerts";
import type { BusinessMetric, FailureThreshold, ServiceSpec } from "../../model/catalog";
import { num, selector } from "../../model/promql";
import { lines, type RuleBuilder } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, table } from "../core/markdown";
import { runbooks, type Runbook } from "../core/runbook";
import { fromAlert } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { byJob, rate, serviceLogs } from "./common";

type Business = Extract<AlertName, "AzoraAuthFailureRateHigh" | "AzoraPaymentFailures" | "AzoraEnrollmentFailures" | "AzoraBusinessOperationFailures">;

export interface BusinessPolicy {
    alert: Business;
    window: Duration;
    thresholds: readonly FailureThreshold[];
}

export const defaultBusinessPolicy: BusinessPolicy = {
    alert: "AzoraBusinessOperationFailures",
    window: "15m",
    thresholds: [{ severity: "warning", value: 0.1, for: "15m" }],
};
/** A failure ratio only counts once at least this many operations failed inside the window. */
export const minBusinessFailures = 3;

/** The catalog's own failure alert for this metric, else the default one. */
export function businessPolicyFor(metric: BusinessMetric): BusinessPolicy {
    return metric.failureAlert ?? defaultBusinessPolicy;
}

export function businessRules(rb: RuleBuilder<Business>, s: ServiceSpec): Rule[] {
    return s.businessMetrics.flatMap((m) => {
        const policy = businessPolicyFor(m);
        const failed = selector(m.metric, { job: s.name, [m.outcomeLabel]: "failed" });
        const all = selector(m.metric, { job: s.name });
        return policy.thresholds.map((t) =>
            rb.alert({
                name: policy.alert,
                expr: lines(
                    "(",
                    `  sum ${byJob} (${rate(failed, policy.window)})`,
                    "/",
                    `  sum ${byJob} (${rate(all, policy.window)})`,
                    `) > ${num(t.value)}`,
                    "and",
                    `sum ${byJob} (increase(${failed}[${policy.window}])) >= ${minBusinessFailures}`,
                ),
                for: t.for,
                severity: t.severity,
                labels: { business_metric: m.metric, operation: m.title },
                summary: `{{ $value | humanizePercentage }} of ${m.title.toLowerCase()} fail in {{ $labels.job }}`,
                description:
                    `{{ $value | humanizePercentage }} of ${m.title.toLowerCase()} (${m.metric} with ` +
                    `${m.outcomeLabel}="failed") failed in {{ $labels.job }} over ${policy.window} ` +
                    `(${t.severity} above ${formatPercent(t.value)} for ${t.for}, at least ${minBusinessFailures} failures).`,
            }),
        );
    });
}

interface BusinessText {
    meaning: string;
    impact: string;
    check: string[];
    act: string[];
}

function thresholdsText(thresholds: readonly { severity: string; value: number; for: string }[], window: string): string {
    return thresholds.map((t) => `${t.severity} > ${formatPercent(t.value)} over ${window} for ${t.for}`).join("; ");
}

function externalHosts(s: ServiceSpec): string {
    return s.externalEndpoints.map((e) => `${e.host}:${e.port}, ${e.purpose}`).join("; ") || "none in the catalog";
}

function businessRunbook(
    services: readonly ServiceSpec[],
    metric: string,
    textFor: (owner: ServiceSpec) => BusinessText,
): Runbook {
    const owners = services.flatMap((s) => s.businessMetrics.filter((m) => m.metric === metric).map((m) => ({ s, m })));
    const first = owners[0];
    if (!first) throw new Error(`no service of the catalog exports ${metric}`);
    const text = textFor(first.s);
    return {
        meaning:
            `${text.meaning} Counted from «${metric}» with «outcome="failed"»; it fires only once at least ` +
            `${minBusinessFailures} operations failed within the window.`,
        impact: text.impact,
        facts: table(
            ["service", "metric", "thresholds"],
            owners.map(({ s, m }) => [s.name, `«${m.metric}»`, thresholdsText(businessPolicyFor(m).thresholds, businessPolicyFor(m).window)]),
        ),
        check: [fromAlert, ...text.check].join("\n\n"),
        act: text.act.join("\n"),
    };
}

export const businessRunbooks = runbooks<Business>(__filename, {
    AzoraAuthFailureRateHigh: (services) => businessRunbook(services, "azora_auth_attempts_total", (owner) => ({
        meaning: "A large share of sign-in attempts fail (wrong credentials, expired MFA codes, locked accounts).",
        impact:
            "Either users cannot sign in (a bug, a broken MFA e-mail path, clock skew on TOTP) or someone is " +
            "guessing credentials (credential stuffing).",
        check: [
            promql(
                'sum by (pod) (rate(azora_auth_attempts_total{job="$JOB", outcome="failed"}[10m]))',
                'sum by (route, status_code) (rate(http_requests_total{job="$JOB"}[10m]))',
            ),
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
    AzoraPaymentFailures: (services) => businessRunbook(services, "azora_payments_total", (owner) => ({
        meaning: "A share of payment attempts end with outcome «failed» (not including the retries that succeed).",
        impact: "Revenue is lost and learners cannot subscribe; failed charges may need reconciliation.",
        check: [
            promql('sum by (pod) (rate(azora_payments_total{job="$JOB", outcome="failed"}[10m]))'),
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
    AzoraEnrollmentFailures: (services) => businessRunbook(services, "azora_enrollments_total", (owner) => ({
        meaning: "A share of course enrollments end with outcome «failed».",
        impact: "Learners cannot join courses.",
        check: [
            promql('sum by (pod) (rate(azora_enrollments_total{job="$JOB", outcome="failed"}[15m]))'),
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
            "A share of a service's business operations (the «operation» and «business_metric» labels: builds, " +
            "searches, provider calls, ledger writes, assessments...) end with outcome «failed».",
        impact: "The feature the operation belongs to fails for users even if HTTP status codes look fine.",
        facts: table(
            ["service", "metric", "operation", "thresholds"],
            services.flatMap((s) =>
                s.businessMetrics
                    .filter((m) => businessPolicyFor(m).alert === "AzoraBusinessOperationFailures")
                    .map((m) => [s.name, `«${m.metric}»`, m.title, thresholdsText(businessPolicyFor(m).thresholds, businessPolicyFor(m).window)]),
            ),
        ),
        check: [
            fromAlert,
            promql('sum by (pod) (rate({__name__="<business_metric label>", job="$JOB", outcome="failed"}[15m]))'),
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
