// Space and inodes running out, on the platform's PersistentVolumes (the kubelet's volume stats) and
// on the nodes' filesystems (node exporter): a threshold that pages when little is left, and a
// predict_linear forecast that warns while there is time to act.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import { durationSeconds, durationWords } from "../../model/durations";
import { nodeExporter as nodeExporterMetrics } from "../../model/kube-metrics";
import { num } from "../../model/promql";
import { lines, type RuleBuilder } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";
import { fromKubeAlert, kubelet, nodeExporter, type PlatformNamespaces } from "./common";

const storageMetrics = {
    volumeAvailable: "kubelet_volume_stats_available_bytes",
    volumeCapacity: "kubelet_volume_stats_capacity_bytes",
    volumeUsed: "kubelet_volume_stats_used_bytes",
    volumeInodesFree: "kubelet_volume_stats_inodes_free",
    volumeInodes: "kubelet_volume_stats_inodes",
    volumeInodesUsed: "kubelet_volume_stats_inodes_used",
    fsAvail: nodeExporterMetrics.filesystemAvailable,
    fsSize: nodeExporterMetrics.filesystemSize,
    fsFilesFree: "node_filesystem_files_free",
    fsFiles: "node_filesystem_files",
    fsReadonly: "node_filesystem_readonly",
} as const;
const m = storageMetrics;

/** Free share below `ratio`, sustained: little is left, whatever the trend. */
interface Threshold {
    ratio: number;
    severity: Severity;
    for: Duration;
}
/** Free share below `ratio` AND a linear fit over `window` reaching zero within `horizon`, sustained. */
interface Forecast extends Threshold {
    window: Duration;
    horizon: Duration;
}
interface FillingUp {
    threshold: Threshold;
    forecast: Forecast;
}

/** PersistentVolume space, and inodes (the same shape, the same values). */
const volumeFillingUp: FillingUp = {
    threshold: { ratio: 0.03, severity: "critical", for: "1m" },
    forecast: { ratio: 0.15, window: "6h", horizon: "4d", severity: "warning", for: "1h" },
};
/** Node filesystem space, and files (inodes). */
const nodeFilesystemFillingUp: FillingUp = {
    threshold: { ratio: 0.05, severity: "critical", for: "30m" },
    forecast: { ratio: 0.15, window: "6h", horizon: "24h", severity: "warning", for: "1h" },
};

/** Node filesystems worth watching: real devices with a mount point, not read-only ones. */
const realFs = { fstype: { not: "" }, mountpoint: { not: "" } } as const;

type Storage = Extract<
    AlertName,
    | "KubePersistentVolumeFillingUp"
    | "KubePersistentVolumeInodesFillingUp"
    | "NodeFilesystemSpaceFillingUp"
    | "NodeFilesystemFilesFillingUp"
>;

/** The two rules of a filling-up alert: `free / total` under each ratio, the forecast also on `free`'s trend, `guard` ANDed to both. */
function fillingUp(
    rb: RuleBuilder<Storage>,
    name: Storage,
    t: FillingUp,
    q: { free: string; total: string; guard: string },
    text: { what: string; where: string },
): Rule[] {
    const share = `${q.free} / ${q.total}`;
    return [
        rb.alert({
            name,
            expr: lines(`${share} < ${num(t.threshold.ratio)}`, "and", q.guard),
            for: t.threshold.for,
            severity: t.threshold.severity,
            summary: `${text.where} has {{ $value | humanizePercentage }} of its ${text.what} left`,
            description:
                `${text.where} has only {{ $value | humanizePercentage }} of its ${text.what} free ` +
                `(${t.threshold.severity} below ${formatPercent(t.threshold.ratio)}): writes fail when it runs out.`,
        }),
        rb.alert({
            name,
            expr: lines(
                `(${share}) < ${num(t.forecast.ratio)}`,
                "and",
                `predict_linear(${q.free}[${t.forecast.window}], ${num(durationSeconds(t.forecast.horizon))}) < 0`,
                "and",
                q.guard,
            ),
            for: t.forecast.for,
            severity: t.forecast.severity,
            summary: `${text.where} runs out of ${text.what} within ${durationWords(t.forecast.horizon)}`,
            description:
                `${text.where} has {{ $value | humanizePercentage }} of its ${text.what} free and, at the rate of the last ` +
                `${durationWords(t.forecast.window)}, fills up within ${durationWords(t.forecast.horizon)}.`,
        }),
    ];
}

export function storageRules(rb: RuleBuilder<Storage>, ns: PlatformNamespaces): Rule[] {
    const v = (metric: string) => kubelet(metric, "kubelet", ns);
    const fs = (metric: string) => nodeExporter(metric, realFs);
    const pvc = "PersistentVolumeClaim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }}";
    const node = "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }}";
    return [
        ...fillingUp(
            rb,
            "KubePersistentVolumeFillingUp",
            volumeFillingUp,
            { free: v(m.volumeAvailable), total: v(m.volumeCapacity), guard: `${v(m.volumeUsed)} > 0` },
            { what: "space", where: pvc },
        ),
        ...fillingUp(
            rb,
            "KubePersistentVolumeInodesFillingUp",
            volumeFillingUp,
            { free: v(m.volumeInodesFree), total: v(m.volumeInodes), guard: `${v(m.volumeInodesUsed)} > 0` },
            { what: "inodes", where: pvc },
        ),
        ...fillingUp(
            rb,
            "NodeFilesystemSpaceFillingUp",
            nodeFilesystemFillingUp,
            { free: fs(m.fsAvail), total: fs(m.fsSize), guard: `${fs(m.fsReadonly)} == 0` },
            { what: "space", where: node },
        ),
        ...fillingUp(
            rb,
            "NodeFilesystemFilesFillingUp",
            nodeFilesystemFillingUp,
            { free: fs(m.fsFilesFree), total: fs(m.fsFiles), guard: `${fs(m.fsReadonly)} == 0` },
            { what: "inodes", where: node },
        ),
    ];
}

function thresholdsText(t: FillingUp): string {
    return (
        `${t.threshold.severity} below ${formatPercent(t.threshold.ratio)} free for ${t.threshold.for}; ` +
        `${t.forecast.severity} below ${formatPercent(t.forecast.ratio)} free when a linear fit over ` +
        `${durationWords(t.forecast.window)} reaches zero within ${durationWords(t.forecast.horizon)}, for ${t.forecast.for}`
    );
}

const pvcCheck = [
    fromKubeAlert,
    sh(
        "kubectl -n $NS get pvc <persistentvolumeclaim> -o wide",
        "kubectl -n $NS get pods -o json | jq -r '.items[] | select(.spec.volumes[]?.persistentVolumeClaim.claimName==\"<persistentvolumeclaim>\") | .metadata.name'",
        "kubectl -n $NS exec <pod> -- df -h -i",
    ),
].join("\n\n");
const pvcAct = [
    "- Prometheus, Loki, Jaeger: lower retention or raise the persistence size in the stack file (the StorageClass must allow expansion), then «pulumi up».",
    "- A database backup PVC (<service>-db-backups): lower «database.backup.retentionDays» or raise «database.backup.storageSize».",
].join("\n");
const nodeCheck = [
    "Set «INSTANCE» and «MOUNT» from the alert's «instance» and «mountpoint» labels.",
    promql(`${m.fsAvail}{instance="$INSTANCE", mountpoint="$MOUNT"} / ${m.fsSize}{instance="$INSTANCE", mountpoint="$MOUNT"}`),
    sh("kubectl get nodes -o wide", "kubectl describe node <node> | sed -n '/Conditions:/,/Addresses:/p'"),
].join("\n\n");
const nodeAct = [
    "- Container images and logs fill the node: the kubelet's image garbage collection and log rotation should act; prune unused images.",
    "- Cordon and drain the node if it keeps filling, then grow its disk or replace it.",
].join("\n");

export const storageRunbooks = runbooks<Storage>(__filename, {
    KubePersistentVolumeFillingUp: () => ({
        meaning: `A PersistentVolume of the platform is running out of space («${m.volumeAvailable}» / «${m.volumeCapacity}»): ${thresholdsText(volumeFillingUp)}.`,
        impact: "When full, the component writing to it fails: Prometheus stops ingesting, Loki drops logs, a backup fails.",
        check: pvcCheck,
        act: pvcAct,
    }),
    KubePersistentVolumeInodesFillingUp: () => ({
        meaning: `A PersistentVolume of the platform is running out of inodes («${m.volumeInodesFree}» / «${m.volumeInodes}»): ${thresholdsText(volumeFillingUp)}.`,
        impact: "No file can be created once inodes run out, even with space left (many small chunks or dump files).",
        check: pvcCheck,
        act: [pvcAct, "- Many small files: check the component's compaction (Loki, Prometheus) and the backup retention."].join(
            "\n",
        ),
    }),
    NodeFilesystemSpaceFillingUp: () => ({
        meaning: `A node's filesystem is running out of space («${m.fsAvail}» / «${m.fsSize}»): ${thresholdsText(nodeFilesystemFillingUp)}.`,
        impact: "The kubelet evicts pods under disk pressure and new images cannot be pulled.",
        check: nodeCheck,
        act: nodeAct,
    }),
    NodeFilesystemFilesFillingUp: () => ({
        meaning: `A node's filesystem is running out of inodes («${m.fsFilesFree}» / «${m.fsFiles}»): ${thresholdsText(nodeFilesystemFillingUp)}.`,
        impact: "No file can be created on it: containers fail to start or write.",
        check: nodeCheck,
        act: nodeAct,
    }),
});
