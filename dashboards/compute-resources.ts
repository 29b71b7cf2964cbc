// Kubernetes compute resources, in the kube-prometheus tradition: CPU and memory use against
// requests and limits, CPU throttling and restarts, at four levels, each a row: the cluster (by
// namespace), a namespace (by pod), a workload (its pods) and a pod (by container). Usage comes
// from the kubelet's cAdvisor endpoint, requests, limits and restarts from kube-state-metrics; the
// jobs are the platform's own scrape jobs (model/workloads.ts), the metric names model/kube-metrics.ts.

import { cadvisor, kubeState } from "../model/kube-metrics";
import { type MatcherValue, selector } from "../model/promql";
import { clusterExporters, exporterJobs } from "../model/workloads";
import { assemble, promql, queryVariable, timeseriesPanel, type Section } from "./panels";
import { RATE } from "./promql";
import { units, type dashboard } from "./sdk";

type Matchers = Record<string, MatcherValue>;

/** A container series from cAdvisor; `container!=""` drops the pod-level aggregates cAdvisor also reports. */
function usage(metric: string, m: Matchers): string {
    const cadvisorPath = clusterExporters.kubelet.metricsPaths.cadvisor;
    return selector(metric, { job: exporterJobs.kubelet, metrics_path: cadvisorPath, container: { not: "" }, ...m });
}

/** A kube-state-metrics series. */
function ksm(metric: string, m: Matchers = {}): string {
    return selector(metric, { job: exporterJobs.kubeStateMetrics, ...m });
}

const cpu = (m: Matchers) => `sum by (GROUP) (rate(${usage(cadvisor.cpuSeconds, m)}[${RATE}]))`;
const memory = (m: Matchers) => `sum by (GROUP) (${usage(cadvisor.memoryWorkingSet, m)})`;
const throttled = (m: Matchers) =>
    `sum by (GROUP) (increase(${usage(cadvisor.throttledPeriods, m)}[${RATE}])) / sum by (GROUP) (increase(${usage(cadvisor.periods, m)}[${RATE}]))`;
const restarts = (m: Matchers) => `sum by (GROUP) (increase(${ksm(kubeState.restarts, m)}[1h]))`;
const requested = (resource: string, m: Matchers) => `sum(${ksm(kubeState.containerRequests, { resource, ...m })})`;
const limited = (resource: string, m: Matchers) => `sum(${ksm(kubeState.containerLimits, { resource, ...m })})`;

/** One level: CPU and memory against requests and limits, throttling and restarts, grouped by `group`. */
function level(title: string, scope: string, matchers: Matchers, group: string, collapsed: boolean): Section {
    const by = (expr: string) => expr.replaceAll("GROUP", group);
    const legend = `{{${group}}}`;
    return {
        title,
        collapsed,
        panels: [
            timeseriesPanel({
                title: `CPU usage by ${group} (${scope})`,
                description: "CPU cores used, and the cores the containers request and are limited to (kube-state-metrics).",
                queries: [
                    promql(by(cpu(matchers)), legend),
                    promql(requested("cpu", matchers), "requests"),
                    promql(limited("cpu", matchers), "limits"),
                ],
                unit: units.Short,
                min: 0,
            }),
            timeseriesPanel({
                title: `Memory working set by ${group} (${scope})`,
                description:
                    "Working-set memory (what the OOM killer compares with the limit), and the memory requested and limited.",
                queries: [
                    promql(by(memory(matchers)), legend),
                    promql(requested("memory", matchers), "requests"),
                    promql(limited("memory", matchers), "limits"),
                ],
                unit: units.BytesIEC,
                min: 0,
            }),
            timeseriesPanel({
                title: `CPU throttling by ${group} (${scope})`,
                description: "Share of CFS periods in which the containers were throttled at their CPU limit.",
                queries: [promql(by(throttled(matchers)), legend)],
                unit: units.PercentUnit,
                min: 0,
                max: 1,
                threshold: 0.25,
            }),
            timeseriesPanel({
                title: `Restarts by ${group} (${scope})`,
                description: "Container restarts in the last hour (kube-state-metrics).",
                queries: [promql(by(restarts(matchers)), legend)],
                unit: units.Short,
                min: 0,
            }),
        ],
    };
}

export function computeResources(): dashboard.Dashboard {
    const podInfo = ksm(kubeState.podInfo);
    return assemble({
        id: "computeResources",
        description:
            "CPU and memory against requests and limits, throttling and restarts: the cluster by namespace, then the selected namespace, workload and pod.",
        refresh: "1m",
        from: "now-3h",
        variables: [
            queryVariable({
                name: "namespace",
                label: "Namespace",
                description: "Namespace of the namespace, workload and pod rows.",
                selector: podInfo,
                labelName: "namespace",
            }),
            queryVariable({
                name: "workload",
                label: "Workload",
                description: "Owner of the workload row's pods: a ReplicaSet (of a Deployment), StatefulSet, DaemonSet or Job.",
                selector: ksm(kubeState.podOwner, { namespace: "$namespace" }),
                labelName: "owner_name",
            }),
            queryVariable({
                name: "pod",
                label: "Pod",
                description: "Pod of the pod row.",
                selector: ksm(kubeState.podInfo, { namespace: "$namespace" }),
                labelName: "pod",
            }),
        ],
        sections: [
            level("Cluster", "cluster", { namespace: { not: "" } }, "namespace", false),
            level("Namespace: $namespace", "$namespace", { namespace: "$namespace" }, "pod", true),
            level("Workload: $workload", "$workload", { namespace: "$namespace", pod: { re: "$workload-.*" } }, "pod", true),
            level("Pod: $pod", "$pod", { namespace: "$namespace", pod: "$pod" }, "container", true),
        ],
    });
}
