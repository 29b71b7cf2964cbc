// What every module of the cluster part shares: the exporters' jobs (model/workloads.ts), the
// platform's namespaces the Kubernetes alerts are scoped to, and the runbook commands.
import { defaultNamespaces, type NamespaceRole } from "../../model/namespaces";
import { alternation, type MatcherValue, selector } from "../../model/promql";
import { clusterExporters, exporterJobs } from "../../model/workloads";

/** The namespaces the platform creates, by role: the Kubernetes alerts watch only these. */
export type PlatformNamespaces = Readonly<Record<NamespaceRole, string>>;

export const kubeStateMetricsJob = exporterJobs.kubeStateMetrics;
export const nodeExporterJob = exporterJobs.nodeExporter;
export const kubeletJob = exporterJobs.kubelet;
export const kubeletPaths = clusterExporters.kubelet.metricsPaths;

const namespaceRoles = Object.keys(defaultNamespaces) as NamespaceRole[];

/** `namespace=~"a|b|c"`: the platform's namespaces, whatever the stack names them (a stack's
 *  namespace settings hold more than the names, hence by role). */
function inPlatform(namespaces: PlatformNamespaces): { namespace: MatcherValue } {
    return { namespace: { re: alternation(namespaceRoles.map((role) => namespaces[role])) } };
}

/** A kube-state-metrics series of the platform's namespaces. */
export function ksm(metric: string, namespaces: PlatformNamespaces, matchers: Record<string, MatcherValue> = {}): string {
    return selector(metric, { job: kubeStateMetricsJob, ...inPlatform(namespaces), ...matchers });
}

/** A kube-state-metrics series of a cluster-scoped object (nodes). */
export function ksmCluster(metric: string, matchers: Record<string, MatcherValue> = {}): string {
    return selector(metric, { job: kubeStateMetricsJob, ...matchers });
}

/** A kubelet series from one of its endpoints (`/metrics`, `/metrics/cadvisor`), of the platform's namespaces. */
export function kubelet(
    metric: string,
    path: keyof typeof kubeletPaths,
    namespaces: PlatformNamespaces,
    matchers: Record<string, MatcherValue> = {},
): string {
    return selector(metric, { job: kubeletJob, metrics_path: kubeletPaths[path], ...inPlatform(namespaces), ...matchers });
}

/** A node exporter series. */
export function nodeExporter(metric: string, matchers: Record<string, MatcherValue> = {}): string {
    return selector(metric, { job: nodeExporterJob, ...matchers });
}

export const fromKubeAlert =
    "Set «NS» and the object's name from the alert's «namespace» and object label («pod», «deployment», " +
    "«statefulset», «daemonset», «job_name», «cronjob», «horizontalpodautoscaler», «persistentvolumeclaim», " +
    "«resourcequota», «node»).";
