// The nodes: their Kubernetes conditions (kube-state-metrics) and their system metrics (node
// exporter: memory and CPU).
import type { AlertName } from "../../model/alerts";
import { durationWords } from "../../model/durations";
import { nodeExporter as nodeExporterMetrics } from "../../model/kube-metrics";
import { num } from "../../model/promql";
import { type Hold, hold, lines, type RuleBuilder, type WindowedHold } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";
import { ksmCluster, nodeExporter } from "./common";

const nodeMetrics = {
    condition: "kube_node_status_condition",
    memAvailable: nodeExporterMetrics.memoryAvailable,
    memTotal: nodeExporterMetrics.memoryTotal,
    cpuSeconds: nodeExporterMetrics.cpuSeconds,
} as const;
const m = nodeMetrics;

/** Ready not true, sustained. */
const nodeNotReady = { severity: "warning", for: "15m" } as const satisfies Hold;
/** MemoryPressure or DiskPressure true, sustained: the kubelet is evicting pods. */
const nodePressure = { severity: "warning", for: "5m" } as const satisfies Hold;
/** Used memory (1 − MemAvailable / MemTotal) above `ratio`, sustained. */
const nodeMemoryHigh = { ratio: 0.9, severity: "warning", for: "15m" } as const satisfies Hold & { ratio: number };
/** Busy CPU (1 − idle share over `window`, all CPUs of the node) above `ratio`, sustained. */
const nodeCpuHigh = { ratio: 0.9, window: "5m", severity: "warning", for: "30m" } as const satisfies WindowedHold & {
    ratio: number;
};

type Nodes = Extract<
    AlertName,
    "KubeNodeNotReady" | "KubeNodeMemoryPressure" | "KubeNodeDiskPressure" | "NodeMemoryHigh" | "NodeCPUHigh"
>;

export function nodeRules(rb: RuleBuilder<Nodes>): Rule[] {
    const condition = (name: string) => ksmCluster(m.condition, { condition: name, status: "true" });
    const pressure = (alert: "KubeNodeMemoryPressure" | "KubeNodeDiskPressure", name: string, effect: string) =>
        rb.alert({
            name: alert,
            expr: `${condition(name)} == 1`,
            ...hold(nodePressure),
            summary: `Node {{ $labels.node }} has ${name}`,
            description: `Node {{ $labels.node }} has reported ${name} for ${durationWords(nodePressure.for)}: ${effect}.`,
        });
    return [
        rb.alert({
            name: "KubeNodeNotReady",
            expr: `${condition("Ready")} == 0`,
            ...hold(nodeNotReady),
            summary: "Node {{ $labels.node }} is not ready",
            description: `Node {{ $labels.node }} has not been Ready for ${durationWords(nodeNotReady.for)}: its pods are not served and get evicted.`,
        }),
        pressure(
            "KubeNodeMemoryPressure",
            "MemoryPressure",
            "the kubelet evicts pods to reclaim memory and admits no new BestEffort pods",
        ),
        pressure(
            "KubeNodeDiskPressure",
            "DiskPressure",
            "the kubelet evicts pods and deletes images to reclaim disk, and admits no new pods",
        ),
        rb.alert({
            name: "NodeMemoryHigh",
            expr: `1 - ${nodeExporter(m.memAvailable)} / ${nodeExporter(m.memTotal)} > ${num(nodeMemoryHigh.ratio)}`,
            ...hold(nodeMemoryHigh),
            summary: "{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory",
            description:
                "{{ $labels.instance }} has used {{ $value | humanizePercentage }} of its memory for " +
                `${durationWords(nodeMemoryHigh.for)} (above ${formatPercent(nodeMemoryHigh.ratio)}): memory pressure and OOM kills follow.`,
        }),
        rb.alert({
            name: "NodeCPUHigh",
            expr: lines(
                `1 - avg by (job, instance) (rate(${nodeExporter(m.cpuSeconds, { mode: "idle" })}[${nodeCpuHigh.window}]))`,
                `> ${num(nodeCpuHigh.ratio)}`,
            ),
            ...hold(nodeCpuHigh),
            summary: "{{ $labels.instance }} CPU is {{ $value | humanizePercentage }} busy",
            description:
                `{{ $labels.instance }} has been {{ $value | humanizePercentage }} busy over all its CPUs for ` +
                `${durationWords(nodeCpuHigh.for)} (above ${formatPercent(nodeCpuHigh.ratio)}): its pods compete for CPU.`,
        }),
    ];
}

const nodeCheck = [
    "Set «NODE» from the alert's «node» label (or the node of its «instance»).",
    sh(
        "kubectl describe node $NODE | sed -n '/Conditions:/,/Addresses:/p;/Allocated resources:/,/Events:/p'",
        "kubectl get pods -A -o wide --field-selector spec.nodeName=$NODE",
    ),
].join("\n\n");
const drain =
    "- If it does not recover: «kubectl cordon $NODE», «kubectl drain $NODE --ignore-daemonsets --delete-emptydir-data» (the PDBs keep each service available), then repair or replace the node.";

export const nodeRunbooks = runbooks<Nodes>(__filename, {
    KubeNodeNotReady: () => ({
        meaning: `A node's Ready condition («${m.condition}») has not been true for ${durationWords(nodeNotReady.for)}.`,
        impact: "Its pods are not served; after the eviction timeout they are recreated elsewhere if capacity allows.",
        check: nodeCheck,
        act: ["- The kubelet stopped or lost the API server: check the node's kubelet and network.", drain].join("\n"),
    }),
    KubeNodeMemoryPressure: () => ({
        meaning: `A node has reported MemoryPressure for ${durationWords(nodePressure.for)}: its free memory is under the kubelet's eviction threshold.`,
        impact: "The kubelet evicts pods (BestEffort and over-request first).",
        check: [nodeCheck, promql(`${m.memAvailable} / ${m.memTotal}`)].join("\n\n"),
        act: [
            "- Find the pods using most memory («kubectl top pods -A --sort-by=memory»); lower their limits or move them.",
            drain,
        ].join("\n"),
    }),
    KubeNodeDiskPressure: () => ({
        meaning: `A node has reported DiskPressure for ${durationWords(nodePressure.for)}: its node or image filesystem is under the kubelet's eviction threshold.`,
        impact: "The kubelet evicts pods and garbage-collects images; new pods are not admitted.",
        check: nodeCheck,
        act: ["- See [NodeFilesystemSpaceFillingUp](NodeFilesystemSpaceFillingUp.md) for what fills it.", drain].join("\n"),
    }),
    NodeMemoryHigh: () => ({
        meaning: `A node has used more than ${formatPercent(nodeMemoryHigh.ratio)} of its memory (1 − «${m.memAvailable}» / «${m.memTotal}») for ${durationWords(nodeMemoryHigh.for)}.`,
        impact: "Memory pressure, evictions and OOM kills are near.",
        check: [nodeCheck, sh("kubectl top pods -A --sort-by=memory | head -20")].join("\n\n"),
        act: "- Spread the load (more nodes, or lower memory requests and limits that overcommit the node).",
    }),
    NodeCPUHigh: () => ({
        meaning: `A node's CPUs have been more than ${formatPercent(nodeCpuHigh.ratio)} busy (1 − the idle share of «${m.cpuSeconds}» over ${durationWords(nodeCpuHigh.window)}) for ${durationWords(nodeCpuHigh.for)}.`,
        impact: "Pods on it compete for CPU: latency rises, probes may time out.",
        check: [nodeCheck, sh("kubectl top pods -A --sort-by=cpu | head -20")].join("\n\n"),
        act: "- Add nodes or move the busiest pods; check for a runaway process (a hot loop after a release).",
    }),
});
