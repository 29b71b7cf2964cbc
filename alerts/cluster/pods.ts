// Pods and containers of the platform's namespaces, from kube-state-metrics: crash loops, pods that
// never become ready, OOM kills and containers stuck waiting.
import type { AlertName } from "../../model/alerts";
import { durationWords } from "../../model/durations";
import { cadvisor, kubeState } from "../../model/kube-metrics";
import { type Hold, hold, lines, type RuleBuilder, type WindowedHold } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";
import { fromKubeAlert, ksm, type PlatformNamespaces } from "./common";

/** Pod series of kube-state-metrics; restarts and ownership live in model/kube-metrics.ts (the dashboards read them too). */
const podMetrics = {
    waitingReason: "kube_pod_container_status_waiting_reason",
    phase: "kube_pod_status_phase",
    owner: kubeState.podOwner,
    restarts: kubeState.restarts,
    lastTerminatedReason: "kube_pod_container_status_last_terminated_reason",
} as const;
const m = podMetrics;

/** In CrashLoopBackOff at any point of `window`, sustained. */
const crashLooping = { window: "5m", severity: "warning", for: "15m" } as const satisfies WindowedHold;
/** Pending, Unknown or Failed (pods of Jobs aside: they end Failed by design), sustained. */
const podNotReady = {
    phases: ["Pending", "Unknown", "Failed"],
    severity: "warning",
    for: "15m",
} as const satisfies Hold & {
    phases: readonly string[];
};
/** A restart within `window` whose last termination was the kernel's OOM killer; fires at once. */
const oomKilled = { window: "10m", severity: "warning" } as const;
/** Waiting for any reason but a crash loop (image pull, config error, ...), sustained. */
const containerWaiting = { severity: "warning", for: "1h" } as const satisfies Hold;

type Pods = Extract<AlertName, "KubePodCrashLooping" | "KubePodNotReady" | "KubeContainerOOMKilled" | "KubeContainerWaiting">;

export function podRules(rb: RuleBuilder<Pods>, ns: PlatformNamespaces): Rule[] {
    return [
        rb.alert({
            name: "KubePodCrashLooping",
            expr: `max_over_time(${ksm(m.waitingReason, ns, { reason: "CrashLoopBackOff" })}[${crashLooping.window}]) >= 1`,
            ...hold(crashLooping),
            summary: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is crash looping",
            description:
                "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in " +
                `CrashLoopBackOff for ${durationWords(crashLooping.for)}: it starts, exits and is restarted with a growing delay.`,
        }),
        rb.alert({
            name: "KubePodNotReady",
            expr: lines(
                `sum by (namespace, pod) (${ksm(m.phase, ns, { phase: { re: podNotReady.phases.join("|") } })})`,
                "* on (namespace, pod) group_left (owner_kind)",
                `max by (namespace, pod, owner_kind) (${ksm(m.owner, ns, { owner_kind: { not: "Job" } })})`,
                "> 0",
            ),
            ...hold(podNotReady),
            summary: "{{ $labels.namespace }}/{{ $labels.pod }} has not been ready for " + durationWords(podNotReady.for),
            description:
                `Pod {{ $labels.namespace }}/{{ $labels.pod }} (owned by a {{ $labels.owner_kind }}) has been ` +
                `${podNotReady.phases.join(", ")} for ${durationWords(podNotReady.for)}: it serves nothing.`,
        }),
        rb.alert({
            name: "KubeContainerOOMKilled",
            expr: lines(
                `(${ksm(m.restarts, ns)} - ${ksm(m.restarts, ns)} offset ${oomKilled.window}) >= 1`,
                "and ignoring (reason)",
                `min_over_time(${ksm(m.lastTerminatedReason, ns, { reason: "OOMKilled" })}[${oomKilled.window}]) == 1`,
            ),
            severity: oomKilled.severity,
            summary: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) was OOM-killed",
            description:
                "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} was killed by the kernel " +
                `for exceeding its memory limit ({{ printf "%.0f" $value }} restarts in the last ${durationWords(oomKilled.window)}): ` +
                "in-flight work was lost.",
        }),
        rb.alert({
            name: "KubeContainerWaiting",
            expr: `sum by (namespace, pod, container, reason) (${ksm(m.waitingReason, ns, { reason: { not: "CrashLoopBackOff" } })}) > 0`,
            ...hold(containerWaiting),
            summary: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is waiting: {{ $labels.reason }}",
            description:
                "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} has been waiting " +
                `({{ $labels.reason }}) for ${durationWords(containerWaiting.for)}: it never started.`,
        }),
    ];
}

const podCheck = [
    fromKubeAlert,
    sh(
        "kubectl -n $NS get pod $POD -o wide",
        "kubectl -n $NS describe pod $POD | sed -n '/Containers:/,/Events:/p;/Events:/,$p'",
        "kubectl -n $NS logs $POD -c <container> --previous | tail -50",
    ),
].join("\n\n");

export const podRunbooks = runbooks<Pods>(__filename, {
    KubePodCrashLooping: () => ({
        meaning:
            `A container of a platform pod has been in CrashLoopBackOff («${m.waitingReason}») for ` +
            `${durationWords(crashLooping.for)}: the process exits soon after each start.`,
        impact: "The pod serves nothing; if every replica loops the service is down (its own alerts fire too).",
        check: [podCheck, promql(`${m.restarts}{namespace="$NS", pod="$POD"}`)].join("\n\n"),
        act: [
            "- The previous container's log names the cause: a missing setting or secret file, a dependency refusing it, a failed migration.",
            "- Exit code 137 with reason OOMKilled: see [KubeContainerOOMKilled](KubeContainerOOMKilled.md).",
            "- It began with a release: roll back («kubectl -n $NS rollout undo deploy/<name>», then the previous tag in the stack file).",
        ].join("\n"),
    }),
    KubePodNotReady: () => ({
        meaning:
            `A pod not owned by a Job has been ${podNotReady.phases.join(", ")} for ${durationWords(podNotReady.for)} ` +
            `(«${m.phase}», joined with «${m.owner}»).`,
        impact: "The workload runs with fewer replicas than asked; its PDB may block node drains.",
        check: [
            podCheck,
            sh("kubectl -n $NS get events --field-selector involvedObject.name=$POD --sort-by=.lastTimestamp | tail"),
        ].join("\n\n"),
        act: [
            "- Pending with «Insufficient cpu/memory» or «didn't match pod topology spread»: add nodes, or lower requests or the hard zone spread in the stack file.",
            "- Pending on an unbound claim: check the StorageClass and the PVC («kubectl -n $NS describe pvc»).",
            "- Unknown: its node is unreachable; see [KubeNodeNotReady](KubeNodeNotReady.md).",
        ].join("\n"),
    }),
    KubeContainerOOMKilled: () => ({
        meaning:
            `A container restarted within ${durationWords(oomKilled.window)} and its last termination reason ` +
            `(«${m.lastTerminatedReason}») is OOMKilled: it exceeded its memory limit.`,
        impact: "In-flight requests or the Job's work were lost; repeated kills become a crash loop.",
        check: [podCheck, promql(`${cadvisor.memoryWorkingSet}{namespace="$NS", pod="$POD", container!=""}`)].join("\n\n"),
        act: [
            "- Raise the container's memory limit (a service: «workloads.services.<service>.resources»; a stack component: its resources in the stack file) and «pulumi up».",
            "- Memory grows regardless of load: a leak; see the service's AzoraHighMemoryUsage history and file a bug.",
        ].join("\n"),
    }),
    KubeContainerWaiting: () => ({
        meaning: `A container has been waiting to start for ${durationWords(containerWaiting.for)}; the «reason» label says why.`,
        impact: "The pod never runs: a new release or a new replica is not serving.",
        check: podCheck,
        act: [
            "- ImagePullBackOff / ErrImagePull: the tag or digest does not exist or the registry refuses the pull; fix «images» in the stack file.",
            "- CreateContainerConfigError: a ConfigMap or Secret the pod mounts is missing; «kubectl -n $NS get secret,configmap».",
        ].join("\n"),
    }),
});
