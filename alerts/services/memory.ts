// Per service: resident memory against the container limit, which is recorded per job from the
// inputs (the catalog's limits after stack overrides).
import type { AlertName } from "../../model/alerts";
import type { FailureThreshold, ServiceSpec } from "../../model/catalog";
import { memoryLimitRecord, node } from "../../model/metrics";
import { num, selector } from "../../model/promql";
import { lines, type RuleBuilder } from "../core/builder";
import { formatPercent, ratioThresholdsText } from "../core/format";
import { promql, sh, table } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert, jobVar, podsOf } from "../core/runbook-snippets";
import type { Rule } from "../core/types";

const memoryThresholds: readonly FailureThreshold[] = [
    { severity: "warning", value: 0.85, for: "15m" },
    { severity: "critical", value: 0.95, for: "5m" },
];

/** Resident memory divided by the job's recorded limit (one limit series per job). */
const perLimit = "/ on (job) group_left";

type Memory = Extract<AlertName, "AzoraHighMemoryUsage">;

export function memoryRules(rb: RuleBuilder<Memory>, s: ServiceSpec): Rule[] {
    const rss = selector(node.residentMemory, { job: s.name });
    const limit = selector(memoryLimitRecord, { job: s.name });
    return memoryThresholds.map((t) =>
        rb.alert({
            name: "AzoraHighMemoryUsage",
            expr: lines(rss, `  ${perLimit}`, limit, `> ${num(t.value)}`),
            for: t.for,
            severity: t.severity,
            summary: "{{ $labels.pod }} ({{ $labels.job }}) uses {{ $value | humanizePercentage }} of its memory limit",
            description:
                "Resident memory of {{ $labels.pod }} ({{ $labels.job }}) has been at {{ $value | humanizePercentage }} " +
                `of the container memory limit for ${t.for} (${t.severity} above ${formatPercent(t.value)}); ` +
                "at 100% the kernel OOM-kills the container.",
        }),
    );
}

export const memoryRunbooks = runbooks<Memory>(__filename, {
    AzoraHighMemoryUsage: (services) => ({
        meaning:
            `A pod's resident memory («${node.residentMemory}») is close to its container memory limit ` +
            `(recorded per service as «${memoryLimitRecord}», from the catalog or the stack override): ` +
            `${ratioThresholdsText(memoryThresholds)}.`,
        impact: "At the limit the kernel OOM-kills the container: in-flight requests fail and the pod restarts.",
        facts: table(
            ["service", "catalog request / limit"],
            services.map((s) => [s.name, `${s.resources.requests.memory} / ${s.resources.limits.memory}`]),
        ),
        check: [
            fromAlert,
            promql(
                `${alertJob(node.residentMemory)} ${perLimit} ${alertJob(memoryLimitRecord)}`,
                `deriv(${alertJob(node.residentMemory)}[1h])   # steady growth = leak`,
                alertJob(node.heapUsed),
            ),
            sh(
                `kubectl -n $NS top pods ${podsOf(jobVar)}`,
                `kubectl -n $NS get pods ${podsOf(jobVar)} -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[0].lastState.terminated.reason}{"\\n"}{end}'`,
            ),
        ].join("\n\n"),
        act: [
            "- Growth with traffic: raise the memory limit in «workloads.services.<service>.resources» (the recording " +
                "rule follows the stack override) and «pulumi up».",
            "- Steady growth regardless of traffic (leak): take a heap snapshot if possible, restart the pods " +
                "(«kubectl -n $NS rollout restart deploy/$JOB») to buy time, and file a bug.",
        ].join("\n"),
    }),
});
