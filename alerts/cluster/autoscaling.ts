// HorizontalPodAutoscalers of the platform's namespaces, from kube-state-metrics: at their maximum,
// or unable to reach the replica count they want.
import type { AlertName, Duration } from "../../model/alerts";
import { durationWords } from "../../model/durations";
import { type Hold, hold, lines, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";
import { fromKubeAlert, ksm, type PlatformNamespaces } from "./common";

const hpaMetrics = {
    current: "kube_horizontalpodautoscaler_status_current_replicas",
    desired: "kube_horizontalpodautoscaler_status_desired_replicas",
    min: "kube_horizontalpodautoscaler_spec_min_replicas",
    max: "kube_horizontalpodautoscaler_spec_max_replicas",
} as const;
const m = hpaMetrics;

/** At its maximum (and able to scale at all: max above min), sustained. */
const hpaMaxedOut = { severity: "warning", for: "15m" } as const satisfies Hold;
/** Wants a different count than it runs, strictly between min and max, unchanged within `still`. */
const hpaReplicasMismatch = { still: "15m", severity: "warning", for: "15m" } as const satisfies Hold & {
    still: Duration;
};

type Autoscaling = Extract<AlertName, "KubeHpaMaxedOut" | "KubeHpaReplicasMismatch">;

const on = "on (namespace, horizontalpodautoscaler)";

export function autoscalingRules(rb: RuleBuilder<Autoscaling>, ns: PlatformNamespaces): Rule[] {
    const k = (metric: string) => ksm(metric, ns);
    return [
        rb.alert({
            name: "KubeHpaMaxedOut",
            expr: lines(`${k(m.current)} == ${on} ${k(m.max)}`, `and ${on}`, `(${k(m.max)} > ${on} ${k(m.min)})`),
            ...hold(hpaMaxedOut),
            summary:
                "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} runs at its maximum of {{ $value }} replicas",
            description:
                "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at its maximum replica count " +
                `for ${durationWords(hpaMaxedOut.for)}: the load may need more than it may scale to.`,
        }),
        rb.alert({
            name: "KubeHpaReplicasMismatch",
            expr: lines(
                `(${k(m.desired)} != ${on} ${k(m.current)})`,
                `and ${on}`,
                `(${k(m.current)} > ${on} ${k(m.min)})`,
                `and ${on}`,
                `(${k(m.current)} < ${on} ${k(m.max)})`,
                `and ${on}`,
                `(changes(${k(m.current)}[${hpaReplicasMismatch.still}]) == 0)`,
            ),
            ...hold(hpaReplicasMismatch),
            summary: "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} does not reach its desired replicas",
            description:
                "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} wants a different replica count than it " +
                `runs and has not changed it for ${durationWords(hpaReplicasMismatch.for)}: new pods cannot be scheduled or started.`,
        }),
    ];
}

const hpaCheck = [
    fromKubeAlert,
    sh("kubectl -n $NS describe hpa <horizontalpodautoscaler> | sed -n '/Metrics:/,$p'", "kubectl -n $NS top pods"),
].join("\n\n");

export const autoscalingRunbooks = runbooks<Autoscaling>(__filename, {
    KubeHpaMaxedOut: () => ({
        meaning: `An HPA has run at its maximum («${m.max}») for ${durationWords(hpaMaxedOut.for)}.`,
        impact: "More load cannot be met with more pods: latency and errors grow with it (the service's own alerts tell).",
        check: [hpaCheck, promql(`${m.current}{namespace="$NS"} / ${m.max}{namespace="$NS"}`)].join("\n\n"),
        act: [
            "- Real load growth: raise «workloads.services.<service>.replicas.max» (or the environment's default) and «pulumi up»; check the namespace quota.",
            "- Load without traffic growth (a hot loop, slow dependency): fix the cause; more pods only hide it.",
        ].join("\n"),
    }),
    KubeHpaReplicasMismatch: () => ({
        meaning:
            `An HPA's desired replicas («${m.desired}») have differed from its current ones for ` +
            `${durationWords(hpaReplicasMismatch.for)}, strictly between its minimum and maximum, with no change.`,
        impact: "The service cannot scale as its load asks: new pods are Pending or fail to start.",
        check: [hpaCheck, sh("kubectl -n $NS get pods --field-selector=status.phase=Pending")].join("\n\n"),
        act: "- Pending pods: see [KubePodNotReady](KubePodNotReady.md) (capacity, quota: [KubeQuotaAlmostFull](KubeQuotaAlmostFull.md)).",
    }),
});
