// Resource limits in the platform's namespaces: a ResourceQuota nearly used up (kube-state-metrics),
// and containers throttled by their CPU limit (cAdvisor, through the kubelet).
import type { AlertName } from "../../model/alerts";
import { durationWords } from "../../model/durations";
import { cadvisor } from "../../model/kube-metrics";
import { num } from "../../model/promql";
import { type Hold, hold, lines, type RuleBuilder, type WindowedHold } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";
import { fromKubeAlert, ksm, kubelet, type PlatformNamespaces } from "./common";

const resourceMetrics = {
    quota: "kube_resourcequota",
    throttledPeriods: cadvisor.throttledPeriods,
    periods: cadvisor.periods,
} as const;
const m = resourceMetrics;

/** Used / hard of one quota resource above `ratio`, sustained. */
const quotaAlmostFull = { ratio: 0.9, severity: "warning", for: "15m" } as const satisfies Hold & { ratio: number };
/** Throttled CFS periods / all periods over `window` above `ratio`, sustained: informational, the
 *  container asks for more CPU than its limit allows. */
const cpuThrottling = { ratio: 0.25, window: "5m", severity: "info", for: "15m" } as const satisfies WindowedHold & {
    ratio: number;
};

type Resources = Extract<AlertName, "KubeQuotaAlmostFull" | "CPUThrottlingHigh">;

const container = "by (namespace, pod, container)";

export function resourceRules(rb: RuleBuilder<Resources>, ns: PlatformNamespaces): Rule[] {
    const cad = (metric: string) => kubelet(metric, "cadvisor", ns, { container: { not: "" } });
    return [
        rb.alert({
            name: "KubeQuotaAlmostFull",
            expr: lines(
                ksm(m.quota, ns, { type: "used" }),
                "/ on (namespace, resourcequota, resource)",
                `(${ksm(m.quota, ns, { type: "hard" })} > 0)`,
                `> ${num(quotaAlmostFull.ratio)}`,
            ),
            ...hold(quotaAlmostFull),
            summary: "{{ $labels.namespace }} has used {{ $value | humanizePercentage }} of its {{ $labels.resource }} quota",
            description:
                "ResourceQuota {{ $labels.namespace }}/{{ $labels.resourcequota }} has been at {{ $value | humanizePercentage }} " +
                `of its {{ $labels.resource }} limit for ${durationWords(quotaAlmostFull.for)} (above ` +
                `${formatPercent(quotaAlmostFull.ratio)}): a rollout's surge pods or an HPA scale-up are refused at the limit.`,
        }),
        rb.alert({
            name: "CPUThrottlingHigh",
            expr: lines(
                `sum ${container} (increase(${cad(m.throttledPeriods)}[${cpuThrottling.window}]))`,
                "/",
                `sum ${container} (increase(${cad(m.periods)}[${cpuThrottling.window}]))`,
                `> ${num(cpuThrottling.ratio)}`,
            ),
            ...hold(cpuThrottling),
            summary:
                "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is CPU-throttled {{ $value | humanizePercentage }} of the time",
            description:
                "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was throttled in " +
                `{{ $value | humanizePercentage }} of its CPU periods over ${durationWords(cpuThrottling.window)}, for ` +
                `${durationWords(cpuThrottling.for)} (above ${formatPercent(cpuThrottling.ratio)}): its CPU limit slows it down.`,
        }),
    ];
}

export const resourceRunbooks = runbooks<Resources>(__filename, {
    KubeQuotaAlmostFull: () => ({
        meaning:
            `One resource of a namespace's ResourceQuota («${m.quota}», used / hard) has been above ` +
            `${formatPercent(quotaAlmostFull.ratio)} for ${durationWords(quotaAlmostFull.for)}.`,
        impact: "At the limit the API server refuses new pods: rollouts stall (surge pods) and HPAs cannot scale up.",
        check: [fromKubeAlert, sh("kubectl -n $NS describe resourcequota", "kubectl -n $NS top pods --sort-by=cpu | head")].join(
            "\n\n",
        ),
        act: [
            "- Raise the quota in the stack file («namespaces.quota»), sized for every workload's maximum replicas plus the rollout surge, and «pulumi up».",
            "- Or lower requests or HPA maximums of the workloads using most of it.",
        ].join("\n"),
    }),
    CPUThrottlingHigh: () => ({
        meaning:
            `A container was throttled by the CFS quota of its CPU limit in more than ${formatPercent(cpuThrottling.ratio)} ` +
            `of its scheduling periods («${m.throttledPeriods}» / «${m.periods}») for ${durationWords(cpuThrottling.for)}.`,
        impact: "Requests take longer (latency rises before CPU usage looks high); informational unless the service's latency alerts fire too.",
        check: [
            fromKubeAlert,
            promql(`rate(${cadvisor.cpuSeconds}{namespace="$NS", pod="$POD", container!=""}[5m])`),
            sh("kubectl -n $NS get pod $POD -o jsonpath='{.spec.containers[*].resources}'"),
        ].join("\n\n"),
        act: "- Raise the container's CPU limit (or remove the gap between request and limit) in the stack file, or reduce its work per request.",
    }),
});
