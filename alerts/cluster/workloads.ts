// Deployments, StatefulSets and DaemonSets of the platform's namespaces, from kube-state-metrics:
// fewer replicas than asked while nothing moves, and rollouts that stopped.
import type { AlertName, Duration } from "../../model/alerts";
import { durationWords } from "../../model/durations";
import { type Hold, hold, lines, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";
import { fromKubeAlert, ksm, type PlatformNamespaces } from "./common";

const workloadMetrics = {
    deploymentSpecReplicas: "kube_deployment_spec_replicas",
    deploymentAvailable: "kube_deployment_status_replicas_available",
    deploymentUpdated: "kube_deployment_status_replicas_updated",
    deploymentCondition: "kube_deployment_status_condition",
    statefulSetReplicas: "kube_statefulset_replicas",
    statefulSetReady: "kube_statefulset_status_replicas_ready",
    statefulSetUpdated: "kube_statefulset_status_replicas_updated",
    daemonSetDesired: "kube_daemonset_status_desired_number_scheduled",
    daemonSetUpdated: "kube_daemonset_status_updated_number_scheduled",
    daemonSetAvailable: "kube_daemonset_status_number_available",
    daemonSetMisscheduled: "kube_daemonset_status_number_misscheduled",
} as const;
const m = workloadMetrics;

/** Fewer replicas than asked, with no progress within `still`, sustained. */
const replicasMismatch = { still: "10m", severity: "warning", for: "15m" } as const satisfies Hold & { still: Duration };
/** A Deployment whose Progressing condition is false (its progressDeadlineSeconds passed). */
const rolloutStuck = { severity: "warning", for: "15m" } as const satisfies Hold;
/** Not every replica on the new revision, with no progress within `still`, sustained. */
const updateNotRolledOut = { still: "10m", severity: "warning", for: "15m" } as const satisfies Hold & { still: Duration };
/** DaemonSet pods scheduled where they should not run, sustained. */
const misScheduled = { severity: "warning", for: "15m" } as const satisfies Hold;

type Workloads = Extract<
    AlertName,
    | "KubeDeploymentReplicasMismatch"
    | "KubeDeploymentRolloutStuck"
    | "KubeStatefulSetReplicasMismatch"
    | "KubeStatefulSetUpdateNotRolledOut"
    | "KubeDaemonSetRolloutStuck"
    | "KubeDaemonSetMisScheduled"
>;

export function workloadRules(rb: RuleBuilder<Workloads>, ns: PlatformNamespaces): Rule[] {
    const k = (metric: string) => ksm(metric, ns);
    return [
        rb.alert({
            name: "KubeDeploymentReplicasMismatch",
            expr: lines(
                `(${k(m.deploymentSpecReplicas)} > ${k(m.deploymentAvailable)})`,
                "and",
                `(changes(${k(m.deploymentUpdated)}[${replicasMismatch.still}]) == 0)`,
            ),
            ...hold(replicasMismatch),
            summary: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} lacks available replicas",
            description:
                "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had fewer available replicas than " +
                `its spec asks for ${durationWords(replicasMismatch.for)}, with no rollout progress.`,
        }),
        rb.alert({
            name: "KubeDeploymentRolloutStuck",
            expr: `${ksm(m.deploymentCondition, ns, { condition: "Progressing", status: "false" })} != 0`,
            ...hold(rolloutStuck),
            summary: "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} rollout is stuck",
            description:
                "The rollout of {{ $labels.namespace }}/{{ $labels.deployment }} has not progressed within its " +
                `progress deadline, for ${durationWords(rolloutStuck.for)}: old and new pods are mixed or new pods fail.`,
        }),
        rb.alert({
            name: "KubeStatefulSetReplicasMismatch",
            expr: lines(
                `(${k(m.statefulSetReady)} != ${k(m.statefulSetReplicas)})`,
                "and",
                `(changes(${k(m.statefulSetUpdated)}[${replicasMismatch.still}]) == 0)`,
            ),
            ...hold(replicasMismatch),
            summary: "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} lacks ready replicas",
            description:
                "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had a ready replica count different " +
                `from its spec for ${durationWords(replicasMismatch.for)}, with no rollout progress.`,
        }),
        rb.alert({
            name: "KubeStatefulSetUpdateNotRolledOut",
            expr: lines(
                `(${k(m.statefulSetUpdated)} < ${k(m.statefulSetReplicas)})`,
                "and",
                `(changes(${k(m.statefulSetUpdated)}[${updateNotRolledOut.still}]) == 0)`,
            ),
            ...hold(updateNotRolledOut),
            summary: "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} update has not rolled out",
            description:
                "{{ $value }} replicas of StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} run the new " +
                `revision, fewer than its spec, and none has moved for ${durationWords(updateNotRolledOut.for)}.`,
        }),
        rb.alert({
            name: "KubeDaemonSetRolloutStuck",
            expr: lines(
                "(",
                `  (${k(m.daemonSetUpdated)} != on (namespace, daemonset) ${k(m.daemonSetDesired)})`,
                "  or",
                `  (${k(m.daemonSetAvailable)} != on (namespace, daemonset) ${k(m.daemonSetDesired)})`,
                ")",
                "and on (namespace, daemonset)",
                `(changes(${k(m.daemonSetUpdated)}[${replicasMismatch.still}]) == 0)`,
            ),
            ...hold(replicasMismatch),
            summary: "DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} rollout is stuck",
            description:
                "DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has not had every desired pod updated and " +
                `available for ${durationWords(replicasMismatch.for)}, with no progress: some nodes run an old pod or none.`,
        }),
        rb.alert({
            name: "KubeDaemonSetMisScheduled",
            expr: `${k(m.daemonSetMisscheduled)} > 0`,
            ...hold(misScheduled),
            summary: "DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} has mis-scheduled pods",
            description:
                "{{ $value }} pods of DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} run on nodes they " +
                `should not (taints or node selectors changed), for ${durationWords(misScheduled.for)}.`,
        }),
    ];
}

const rolloutCheck = (kind: string, label: string) =>
    [
        fromKubeAlert,
        sh(
            `kubectl -n $NS rollout status ${kind}/<${label}> --timeout=10s`,
            `kubectl -n $NS describe ${kind} <${label}> | sed -n '/Conditions:/,$p'`,
            `kubectl -n $NS get pods -l app.kubernetes.io/name=<${label}> -o wide`,
        ),
    ].join("\n\n");

const podsFirst =
    "- Look at the new pods first: [KubePodCrashLooping](KubePodCrashLooping.md), [KubePodNotReady](KubePodNotReady.md), " +
    "[KubeContainerWaiting](KubeContainerWaiting.md) say why they do not become ready.";

export const workloadRunbooks = runbooks<Workloads>(__filename, {
    KubeDeploymentReplicasMismatch: () => ({
        meaning:
            `A Deployment's available replicas («${m.deploymentAvailable}») have been below its spec for ` +
            `${durationWords(replicasMismatch.for)}, and its updated replicas did not change within ${durationWords(replicasMismatch.still)}.`,
        impact: "The service runs with less capacity and redundancy than planned; a zone or node loss may take it down.",
        check: rolloutCheck("deploy", "deployment"),
        act: [podsFirst, "- Pods Pending for capacity: add nodes or lower the HPA minimum or requests in the stack file."].join(
            "\n",
        ),
    }),
    KubeDeploymentRolloutStuck: () => ({
        meaning: `A Deployment's «Progressing» condition has been false for ${durationWords(rolloutStuck.for)}: its progress deadline passed.`,
        impact: "The new release is not serving; old pods still do, and «pulumi up» waits for the rollout, then fails.",
        check: rolloutCheck("deploy", "deployment"),
        act: [
            podsFirst,
            "- Roll back: «kubectl -n $NS rollout undo deploy/<deployment>», then set the previous tag in the stack file.",
        ].join("\n"),
    }),
    KubeStatefulSetReplicasMismatch: () => ({
        meaning:
            `A StatefulSet's ready replicas («${m.statefulSetReady}») have differed from its spec for ` +
            `${durationWords(replicasMismatch.for)}, with no progress within ${durationWords(replicasMismatch.still)}.`,
        impact: "A stack component (Prometheus, Alertmanager, Loki, Jaeger, Grafana) runs without one of its replicas: no HA.",
        check: [rolloutCheck("statefulset", "statefulset"), sh("kubectl -n $NS get pvc")].join("\n\n"),
        act: [
            podsFirst,
            "- A replica Pending on its claim: see [KubePersistentVolumeFillingUp](KubePersistentVolumeFillingUp.md) and the StorageClass.",
        ].join("\n"),
    }),
    KubeStatefulSetUpdateNotRolledOut: () => ({
        meaning:
            `Fewer StatefulSet replicas run the new revision («${m.statefulSetUpdated}») than its spec asks, and none ` +
            `moved within ${durationWords(updateNotRolledOut.still)}, for ${durationWords(updateNotRolledOut.for)}.`,
        impact: "Replicas run different versions or configurations; a rolling update waits on a replica that never becomes ready.",
        check: rolloutCheck("statefulset", "statefulset"),
        act: [
            podsFirst,
            "- A replica stuck on the old revision after a fix: delete that pod so the controller recreates it.",
        ].join("\n"),
    }),
    KubeDaemonSetRolloutStuck: () => ({
        meaning:
            `A DaemonSet has not had every desired pod updated and available («${m.daemonSetUpdated}», «${m.daemonSetAvailable}» ` +
            `against «${m.daemonSetDesired}») for ${durationWords(replicasMismatch.for)}, with no progress.`,
        impact: "Some nodes run an old node agent (log shipper, node exporter) or none: their logs or metrics are missing.",
        check: rolloutCheck("daemonset", "daemonset"),
        act: [podsFirst, "- A node that cannot run it (taint, full disk): see [KubeNodeNotReady](KubeNodeNotReady.md)."].join(
            "\n",
        ),
    }),
    KubeDaemonSetMisScheduled: () => ({
        meaning: `A DaemonSet has pods on nodes it should not run on («${m.daemonSetMisscheduled}») for ${durationWords(misScheduled.for)}.`,
        impact: "Those pods use resources where they are not wanted; usually a node's taints or labels changed under them.",
        check: [
            fromKubeAlert,
            promql(`${m.daemonSetMisscheduled}{namespace="$NS"}`),
            sh("kubectl get nodes --show-labels", "kubectl describe nodes | grep -A3 Taints"),
        ].join("\n\n"),
        act: "- Restore the node's labels or taints, or delete the mis-scheduled pod; change the DaemonSet's tolerations only on purpose.",
    }),
});
