// The cluster's exporters as Prometheus targets: without them every Kubernetes and node alert is blind.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import { durationWords } from "../../model/durations";
import { selector } from "../../model/promql";
import { forJob, type Hold, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { jobDown, up } from "../core/scrape";
import type { Rule } from "../core/types";
import { kubeletJob, kubeletPaths, kubeStateMetricsJob, nodeExporterJob } from "./common";

/** No target of the job up (or none discovered), sustained: the alerts it feeds cannot fire. */
const exporterGone = { severity: "critical", for: "15m" } as const satisfies Hold;
/** One node's exporter down, sustained: that node's metrics are missing. */
const exporterTargetDown = { severity: "warning", for: "15m" } as const satisfies Hold;

type Targets = Extract<AlertName, "KubeletDown" | "KubeStateMetricsDown" | "NodeExporterDown">;

const blind: Record<Targets, string> = {
    KubeletDown: "volume, CPU-throttling and container alerts (cAdvisor) are blind",
    KubeStateMetricsDown: "no pod, workload, Job, HPA, quota or node-condition alert can fire",
    NodeExporterDown: "no node filesystem, memory or CPU alert can fire",
};

export function targetRules(rb: RuleBuilder<Targets>): Rule[] {
    const gone = (name: Targets, job: string, sel: string, severity: Severity, holdFor: Duration) =>
        rb.alert({
            name,
            expr: sel,
            for: holdFor,
            severity,
            summary: `${job} has no target up`,
            description: `Prometheus has scraped no ${job} target for ${durationWords(holdFor)} (or discovers none): ${blind[name]}.`,
        });
    const kubeletUp = selector(up, { job: kubeletJob, metrics_path: kubeletPaths.kubelet });
    return [
        ...forJob(kubeletJob, [
            gone(
                "KubeletDown",
                kubeletJob,
                `sum by (job) (${kubeletUp}) == 0 or absent(${kubeletUp})`,
                exporterGone.severity,
                exporterGone.for,
            ),
        ]),
        ...forJob(kubeStateMetricsJob, [
            gone(
                "KubeStateMetricsDown",
                kubeStateMetricsJob,
                jobDown(kubeStateMetricsJob),
                exporterGone.severity,
                exporterGone.for,
            ),
        ]),
        ...forJob(nodeExporterJob, [
            gone("NodeExporterDown", nodeExporterJob, jobDown(nodeExporterJob), exporterGone.severity, exporterGone.for),
            rb.alert({
                name: "NodeExporterDown",
                expr: `${selector(up, { job: nodeExporterJob })} == 0`,
                for: exporterTargetDown.for,
                severity: exporterTargetDown.severity,
                summary: `${nodeExporterJob} target {{ $labels.instance }} is down`,
                description: `Prometheus has failed to scrape ${nodeExporterJob} at {{ $labels.instance }} for ${durationWords(exporterTargetDown.for)}: that node's filesystem, memory and CPU alerts are blind.`,
            }),
        ]),
    ];
}

const check = (job: string) =>
    [
        promql(`${selector(up, { job })} == 0`),
        "Prometheus → Status → Targets shows the scrape error of each target.",
        sh("kubectl get pods -A -o wide | grep " + job),
    ].join("\n\n");

export const targetRunbooks = runbooks<Targets>(__filename, {
    KubeletDown: () => ({
        meaning: `No kubelet target («${kubeletPaths.kubelet}» of job «${kubeletJob}») has been up for ${durationWords(exporterGone.for)}, or none is discovered.`,
        impact: `The ${blind.KubeletDown}.`,
        check: check(kubeletJob),
        act: [
            "- 401/403 in the target error: Prometheus's ClusterRole lacks «nodes/metrics» get or its token is not mounted.",
            "- Timeouts: the NetworkPolicy egress from Prometheus to the nodes' kubelet port (the node CIDRs in the stack file).",
        ].join("\n"),
    }),
    KubeStateMetricsDown: () => ({
        meaning: `No «${kubeStateMetricsJob}» target has been up for ${durationWords(exporterGone.for)}, or none is discovered.`,
        impact: `${blind.KubeStateMetricsDown[0]?.toUpperCase()}${blind.KubeStateMetricsDown.slice(1)}.`,
        check: check(kubeStateMetricsJob),
        act: [
            "- The pod is not ready: see its log («forbidden» means its ClusterRole lacks a kind it lists).",
            "- Scrape refused: check the NetworkPolicy letting Prometheus reach it.",
        ].join("\n"),
    }),
    NodeExporterDown: () => ({
        meaning:
            `One «${nodeExporterJob}» target has been down for ${durationWords(exporterTargetDown.for)} (${exporterTargetDown.severity}), ` +
            `or none has been up for ${durationWords(exporterGone.for)} (${exporterGone.severity}).`,
        impact: `For the node(s) concerned, ${blind.NodeExporterDown}.`,
        check: check(nodeExporterJob),
        act: "- A pod missing on a node: see [KubeDaemonSetRolloutStuck](KubeDaemonSetRolloutStuck.md); a pod running but unscraped: its NetworkPolicy and port.",
    }),
});
