// Stack-level availability: every Deployment is autoscaled and protected by a PDB that never
// blocks node drains; selectors point at pods that exist; HA settings where config demands them.
import type { StackValidationPolicy } from "@pulumi/policy";

import {
    arrayOf,
    HorizontalPodAutoscalerSpec,
    isEmptySelector,
    labelSelectorSelects,
    mapSelects,
    NetworkPolicySpec,
    PodDisruptionBudgetSpec,
    podTemplateOf,
    POD_BEARING_KINDS,
    ServiceSpec,
    WithSpec,
    WorkloadSpec,
} from "../lib/k8s";
import { BaseConfig, StackObject, stackPolicy } from "../lib/policy";

function specOf<S>(o: StackObject): S | undefined {
    return (o.props as WithSpec<S>).spec;
}

function podLabelsOf(o: StackObject): Readonly<Record<string, string>> | undefined {
    return podTemplateOf(o.kind, o.props)?.metadata?.labels;
}

/** Whether a PDB (non-empty selector, same namespace) covers the workload's pods. */
function pdbTargets(pdb: StackObject, workload: StackObject): boolean {
    const selector = specOf<PodDisruptionBudgetSpec>(pdb)?.selector;
    return (
        pdb.id.namespace === workload.id.namespace &&
        !isEmptySelector(selector) &&
        labelSelectorSelects(selector, podLabelsOf(workload))
    );
}

/** Whether an HPA's scaleTargetRef names the workload. */
function hpaTargets(hpa: StackObject, workload: StackObject): boolean {
    const ref = specOf<HorizontalPodAutoscalerSpec>(hpa)?.scaleTargetRef;
    return hpa.id.namespace === workload.id.namespace && ref?.kind === workload.kind && ref?.name === workload.id.name;
}

/** The fewest replicas a workload runs with: its HPA's minReplicas (default 1), else spec.replicas (default 1). */
function minimumReplicas(workload: StackObject, hpas: readonly StackObject[]): { count: number; source: string } {
    const hpa = hpas.find((h) => hpaTargets(h, workload));
    if (hpa) {
        const min = specOf<HorizontalPodAutoscalerSpec>(hpa)?.minReplicas;
        return { count: typeof min === "number" ? min : 1, source: `HPA ${hpa.id.name} minReplicas` };
    }
    const replicas = specOf<WorkloadSpec>(workload)?.replicas;
    return { count: typeof replicas === "number" ? replicas : 1, source: "replicas" };
}

/** Resolves an int-or-percent PDB field against a replica count (percentages round up, as the disruption controller does). */
export function scaled(value: number | string, replicas: number): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    const m = /^(\d+)%$/.exec(value.trim());
    if (m) {
        return Math.ceil((Number(m[1]) * replicas) / 100);
    }
    return /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

export const deploymentHasPdb = stackPolicy({
    name: "availability-deployment-has-pdb",
    group: "availability",
    severity: "medium",
    description: "Every Deployment is covered by a PodDisruptionBudget in its namespace whose selector matches its pods.",
    remediation: "add a PodDisruptionBudget with the Deployment's pod selector and maxUnavailable: 1.",
    check: ({ ofKind, violation }) => {
        const pdbs = ofKind("PodDisruptionBudget");
        for (const d of ofKind("Deployment")) {
            if (!pdbs.some((p) => pdbTargets(p, d))) {
                violation(d, "has no PodDisruptionBudget selecting its pods.");
            }
        }
    },
});

export const deploymentHasHpa = stackPolicy({
    name: "availability-deployment-has-hpa",
    group: "availability",
    severity: "medium",
    description: "Every Deployment is the scaleTargetRef of a HorizontalPodAutoscaler in its namespace.",
    remediation:
        "add a HorizontalPodAutoscaler with scaleTargetRef { apiVersion: apps/v1, kind: Deployment, name: <deployment> }.",
    check: ({ ofKind, violation }) => {
        const hpas = ofKind("HorizontalPodAutoscaler");
        for (const d of ofKind("Deployment")) {
            if (!hpas.some((h) => hpaTargets(h, d))) {
                violation(d, "is not the scaleTargetRef of any HorizontalPodAutoscaler.");
            }
        }
    },
});

export const pdbAllowsEviction = stackPolicy({
    name: "availability-pdb-allows-eviction",
    group: "availability",
    severity: "high",
    description:
        "A PodDisruptionBudget never blocks eviction: at the workload's minimum scale (HPA minReplicas, else replicas) it allows at least one disruption (maxUnavailable ≥ 1, or minAvailable below the minimum), and with two or more replicas it keeps at least one pod up.",
    remediation:
        "use maxUnavailable: 1 (or a minAvailable below the HPA's minReplicas); never minAvailable equal to the replica count or maxUnavailable 0.",
    check: ({ ofKind, violation }) => {
        const hpas = ofKind("HorizontalPodAutoscaler");
        const workloads = ofKind(...POD_BEARING_KINDS).filter(
            (w) => w.kind !== "Pod" && w.kind !== "Job" && w.kind !== "CronJob",
        );
        for (const pdb of ofKind("PodDisruptionBudget")) {
            const spec = specOf<PodDisruptionBudgetSpec>(pdb) ?? {};
            const hasMin = spec.minAvailable !== undefined && spec.minAvailable !== null;
            const hasMax = spec.maxUnavailable !== undefined && spec.maxUnavailable !== null;
            if (hasMin && hasMax) {
                violation(pdb, "sets both minAvailable and maxUnavailable; the API accepts only one.");
                continue;
            }
            if (!hasMin && !hasMax) {
                violation(pdb, "sets neither minAvailable nor maxUnavailable.");
                continue;
            }
            for (const w of workloads.filter((x) => pdbTargets(pdb, x))) {
                const min = minimumReplicas(w, hpas);
                const raw = (hasMax ? spec.maxUnavailable : spec.minAvailable) as number | string;
                const value = scaled(raw, min.count);
                if (value === undefined) {
                    violation(pdb, `has an unparseable ${hasMax ? "maxUnavailable" : "minAvailable"} ${String(raw)}.`);
                    continue;
                }
                const allowed = hasMax ? value : min.count - value;
                const field = hasMax ? `maxUnavailable ${String(raw)}` : `minAvailable ${String(raw)}`;
                const at = `${w.kind} ${w.id.name} at its minimum of ${min.count} (${min.source})`;
                if (allowed <= 0) {
                    violation(pdb, `blocks eviction: ${field} allows no disruption of ${at}.`);
                } else if (min.count >= 2 && allowed >= min.count) {
                    violation(pdb, `does not fit the minimum scale: ${field} lets every pod of ${at} be evicted at once.`);
                }
            }
        }
    },
});

export const selectorsMatchPods = stackPolicy({
    name: "availability-selectors-match-pods",
    group: "availability",
    severity: "medium",
    description:
        "Services, PodDisruptionBudgets and NetworkPolicies with non-empty selectors select pods that exist in their namespace, and HorizontalPodAutoscalers target an existing workload.",
    remediation:
        "align the selector with the workload's pod template labels (app.kubernetes.io/name, app.kubernetes.io/part-of) or remove the stale object.",
    check: ({ ofKind, violation }) => {
        const workloads = ofKind(...POD_BEARING_KINDS);
        const anyPodIn = (
            ns: string | undefined,
            matches: (labels: Readonly<Record<string, string>> | undefined) => boolean,
        ): boolean => workloads.some((w) => w.id.namespace === ns && matches(podLabelsOf(w)));

        for (const s of ofKind("Service")) {
            const selector = specOf<ServiceSpec>(s)?.selector;
            if (selector && Object.keys(selector).length > 0 && !anyPodIn(s.id.namespace, (l) => mapSelects(selector, l))) {
                violation(
                    s,
                    `selects ${JSON.stringify(selector)}, which matches no pods in namespace ${s.id.namespace ?? "default"}.`,
                );
            }
        }
        for (const p of ofKind("PodDisruptionBudget")) {
            const selector = specOf<PodDisruptionBudgetSpec>(p)?.selector;
            if (!isEmptySelector(selector) && !anyPodIn(p.id.namespace, (l) => labelSelectorSelects(selector, l))) {
                violation(
                    p,
                    `selects ${JSON.stringify(selector)}, which matches no pods in namespace ${p.id.namespace ?? "default"}.`,
                );
            }
        }
        for (const n of ofKind("NetworkPolicy")) {
            const selector = specOf<NetworkPolicySpec>(n)?.podSelector;
            if (!isEmptySelector(selector) && !anyPodIn(n.id.namespace, (l) => labelSelectorSelects(selector, l))) {
                violation(
                    n,
                    `podSelector ${JSON.stringify(selector)} matches no pods in namespace ${n.id.namespace ?? "default"}.`,
                );
            }
        }
        for (const h of ofKind("HorizontalPodAutoscaler")) {
            const ref = specOf<HorizontalPodAutoscalerSpec>(h)?.scaleTargetRef;
            if (!workloads.some((w) => hpaTargets(h, w))) {
                violation(
                    h,
                    `targets ${ref?.kind ?? "?"} ${ref?.name ?? "?"}, which is not in namespace ${h.id.namespace ?? "default"}.`,
                );
            }
        }
    },
});

export interface HighAvailabilityConfig extends BaseConfig {
    readonly requireHighAvailability?: boolean;
}

export const highAvailability = stackPolicy<HighAvailabilityConfig>({
    name: "availability-high-availability",
    group: "availability",
    severity: "high",
    description:
        "When requireHighAvailability is true, every Deployment and StatefulSet runs at least 2 replicas (HPA minReplicas when autoscaled, else replicas) and spreads them with topologySpreadConstraints.",
    remediation:
        "set the HPA's minReplicas (or replicas) to at least 2 and add topologySpreadConstraints over kubernetes.io/hostname and topology.kubernetes.io/zone.",
    config: {
        requireHighAvailability: {
            type: "boolean",
            default: false,
            description: "Require ≥ 2 replicas and topology spread on every Deployment and StatefulSet (true in prod).",
        },
    },
    check: ({ config, ofKind, violation }) => {
        if (config.requireHighAvailability !== true) {
            return;
        }
        const hpas = ofKind("HorizontalPodAutoscaler");
        // StatefulSets too: a single-replica store is an outage on every node drain, so it needs a
        // written exemption (single-writer storage), not silence.
        for (const d of [...ofKind("Deployment"), ...ofKind("StatefulSet")]) {
            const min = minimumReplicas(d, hpas);
            if (min.count < 2) {
                violation(d, `runs as few as ${min.count} replica (${min.source}); high availability needs at least 2.`);
            }
            if (arrayOf(podTemplateOf(d.kind, d.props)?.spec?.topologySpreadConstraints).length === 0) {
                violation(d, "has no topologySpreadConstraints, so its replicas may share one node or zone.");
            }
        }
    },
});

export const statefulSetHeadlessService = stackPolicy({
    name: "availability-statefulset-headless-service",
    group: "availability",
    severity: "medium",
    description:
        "Every StatefulSet's serviceName names a headless Service (clusterIP: None) of its namespace, which gives its pods their stable DNS names.",
    remediation:
        "create a Service with clusterIP: None that selects the StatefulSet's pods, and set spec.serviceName to its name.",
    check: ({ ofKind, violation }) => {
        const services = ofKind("Service");
        for (const sts of ofKind("StatefulSet")) {
            const serviceName = (sts.props as WithSpec<WorkloadSpec>).spec?.serviceName;
            if (typeof serviceName !== "string" || serviceName === "") {
                violation(sts, "has no spec.serviceName.");
                continue;
            }
            const svc = services.find((s) => s.id.namespace === sts.id.namespace && s.id.name === serviceName);
            if (!svc) {
                violation(
                    sts,
                    `names serviceName ${serviceName}, but no Service of that name exists in namespace ${sts.id.namespace ?? "default"}.`,
                );
            } else if ((svc.props as WithSpec<ServiceSpec>).spec?.clusterIP !== "None") {
                violation(sts, `names serviceName ${serviceName}, which is not headless (clusterIP is not None).`);
            }
        }
    },
});

export const availabilityPolicies: readonly StackValidationPolicy[] = [
    deploymentHasPdb,
    deploymentHasHpa,
    pdbAllowsEviction,
    selectorsMatchPods,
    highAvailability,
    statefulSetHeadlessService,
];
