// Node overview, from the node exporter: CPU, load, memory, disk space and IO, network of the
// selected node, the USE method's resources. The job is the platform's own scrape job
// (model/workloads.ts), the metric names model/kube-metrics.ts.

import { nodeExporter as n } from "../model/kube-metrics";
import { type MatcherValue, selector } from "../model/promql";
import { exporterJobs } from "../model/workloads";
import { assemble, promql, queryVariable, timeseriesPanel } from "./panels";
import { RATE } from "./promql";
import { units, type dashboard } from "./sdk";

/** A node exporter series of the selected node. */
function node(metric: string, m: Record<string, MatcherValue> = {}): string {
    return selector(metric, { job: exporterJobs.nodeExporter, instance: "$instance", ...m });
}

/** Real filesystems only: not the kernel's and the container runtime's pseudo and overlay mounts. */
const realFs = { fstype: { notRe: "tmpfs|overlay|squashfs|nsfs|proc|sysfs" }, mountpoint: { not: "" } };
/** Physical interfaces: not loopback nor the pods' virtual ones. */
const realNic = { device: { notRe: "lo|veth.*|cali.*|cni.*|flannel.*|docker.*|br-.*" } };

export function nodeOverview(): dashboard.Dashboard {
    return assemble({
        id: "nodeOverview",
        description: "One node's CPU, load, memory, disk space and IO, and network, from the node exporter.",
        refresh: "1m",
        from: "now-3h",
        variables: [
            queryVariable({
                name: "instance",
                label: "Node",
                description: "The node exporter target (one per node).",
                selector: selector(n.unameInfo, { job: exporterJobs.nodeExporter }),
                labelName: "instance",
            }),
        ],
        sections: [
            {
                title: "CPU and memory",
                panels: [
                    timeseriesPanel({
                        title: "CPU utilisation",
                        description: "Share of CPU time not idle, all cores together, and by mode.",
                        queries: [
                            promql(`1 - avg(rate(${node(n.cpuSeconds, { mode: "idle" })}[${RATE}]))`, "busy"),
                            promql(`avg by (mode) (rate(${node(n.cpuSeconds, { mode: { not: "idle" } })}[${RATE}]))`, "{{mode}}"),
                        ],
                        unit: units.PercentUnit,
                        min: 0,
                        max: 1,
                    }),
                    timeseriesPanel({
                        title: "Load average",
                        description: "1, 5 and 15 minute load averages, and the number of cores (load above it means queueing).",
                        queries: [
                            promql(node(n.load1), "1m"),
                            promql(node(n.load5), "5m"),
                            promql(node(n.load15), "15m"),
                            promql(`count(${node(n.cpuSeconds, { mode: "idle" })})`, "cores"),
                        ],
                        unit: units.Short,
                        min: 0,
                    }),
                    timeseriesPanel({
                        title: "Memory",
                        description: "Memory in use (total minus available) and the total.",
                        queries: [
                            promql(`${node(n.memoryTotal)} - ${node(n.memoryAvailable)}`, "used"),
                            promql(node(n.memoryTotal), "total"),
                        ],
                        unit: units.BytesIEC,
                        min: 0,
                    }),
                ],
            },
            {
                title: "Disks",
                panels: [
                    timeseriesPanel({
                        title: "Disk space used",
                        description: "Share of each real filesystem in use.",
                        queries: [
                            promql(
                                `1 - ${node(n.filesystemAvailable, realFs)} / ${node(n.filesystemSize, realFs)}`,
                                "{{mountpoint}}",
                            ),
                        ],
                        unit: units.PercentUnit,
                        min: 0,
                        max: 1,
                        threshold: 0.85,
                    }),
                    timeseriesPanel({
                        title: "Disk throughput",
                        description: "Bytes read and written per second, per device.",
                        queries: [
                            promql(`rate(${node(n.diskReadBytes)}[${RATE}])`, "{{device}} read"),
                            promql(`rate(${node(n.diskWrittenBytes)}[${RATE}])`, "{{device}} written"),
                        ],
                        unit: units.BytesPerSecondSI,
                        min: 0,
                    }),
                    timeseriesPanel({
                        title: "Disk IO utilisation",
                        description: "Share of time each device was busy with IO; near 1 the device is saturated.",
                        queries: [promql(`rate(${node(n.diskIoTime)}[${RATE}])`, "{{device}}")],
                        unit: units.PercentUnit,
                        min: 0,
                        max: 1,
                    }),
                ],
            },
            {
                title: "Network",
                panels: [
                    timeseriesPanel({
                        title: "Network traffic",
                        description: "Bytes received and transmitted per second, per physical interface.",
                        queries: [
                            promql(`rate(${node(n.networkReceiveBytes, realNic)}[${RATE}])`, "{{device}} received"),
                            promql(`rate(${node(n.networkTransmitBytes, realNic)}[${RATE}])`, "{{device}} transmitted"),
                        ],
                        unit: units.BytesPerSecondSI,
                        min: 0,
                    }),
                    timeseriesPanel({
                        title: "Network errors",
                        description: "Receive and transmit errors per second, per physical interface.",
                        queries: [
                            promql(`rate(${node(n.networkReceiveErrors, realNic)}[${RATE}])`, "{{device}} receive"),
                            promql(`rate(${node(n.networkTransmitErrors, realNic)}[${RATE}])`, "{{device}} transmit"),
                        ],
                        unit: units.Short,
                        min: 0,
                    }),
                ],
            },
        ],
    });
}
