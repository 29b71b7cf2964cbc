// Health probes. Readiness needs the stack view (a workload needs one when a Service selects it);
// liveness and startup are per kind: long-running replicated workloads get both, DaemonSets
// (node agents, no slow warm-up) get liveness, run-to-completion Jobs/CronJobs and bare Pods none.
import type { Policies } from "@pulumi/policy";

import {
    containersOf,
    isEmptySelector,
    KindName,
    mapSelects,
    podTemplateOf,
    POD_BEARING_KINDS,
    Probe,
    ServiceSpec,
    WithSpec,
} from "../lib/k8s";
import { stackPolicy } from "../lib/policy";
import { podPolicy } from "./common";

const LIVENESS_AND_STARTUP: readonly KindName[] = ["Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"];

export const livenessAndStartup = podPolicy({
    name: "probes-liveness-and-startup",
    group: "probes",
    severity: "medium",
    kinds: [...LIVENESS_AND_STARTUP, "DaemonSet"],
    description:
        "Long-running workloads probe their containers: Deployments, StatefulSets, ReplicaSets and ReplicationControllers need liveness and startup probes; DaemonSets need liveness probes.",
    remediation:
        "add a livenessProbe (cheap, process-local check) and a startupProbe (covers slow start so liveness can stay strict) to every container.",
    checkPod: ({ kind, spec, violation }) => {
        const needStartup = LIVENESS_AND_STARTUP.includes(kind);
        for (const c of containersOf(spec, ["container"])) {
            if (c.container.livenessProbe === undefined || c.container.livenessProbe === null) {
                violation(`${c.label} has no livenessProbe.`);
            }
            if (needStartup && (c.container.startupProbe === undefined || c.container.startupProbe === null)) {
                violation(`${c.label} has no startupProbe.`);
            }
        }
    },
});

export const readinessOnServedWorkloads = stackPolicy({
    name: "probes-readiness-on-served-workloads",
    group: "probes",
    severity: "high",
    description:
        "Every container of a workload that a Service selects has a readiness probe, so traffic only reaches ready pods.",
    remediation: "add a readinessProbe (e.g. httpGet on the service's /ready path) to every container of the workload.",
    check: ({ ofKind, violation }) => {
        const services = ofKind("Service");
        for (const w of ofKind(...POD_BEARING_KINDS)) {
            const template = podTemplateOf(w.kind, w.props);
            const labels = template?.metadata?.labels;
            const selectedBy = services.filter((s) => {
                const selector = (s.props as WithSpec<ServiceSpec>).spec?.selector;
                return (
                    s.id.namespace === w.id.namespace &&
                    selector !== undefined &&
                    !isEmptySelector({ matchLabels: selector }) &&
                    mapSelects(selector, labels)
                );
            });
            if (selectedBy.length === 0) {
                continue;
            }
            const via = selectedBy.map((s) => s.id.name).join(", ");
            for (const c of containersOf(template?.spec, ["container"])) {
                if (c.container.readinessProbe === undefined || c.container.readinessProbe === null) {
                    violation(w, `${c.label} has no readinessProbe, but Service ${via} selects the workload.`);
                }
            }
        }
    },
});

/** What a probe asks: its handler (httpGet path/port/scheme/headers, tcpSocket, exec, grpc), without its timing. */
function probeTarget(probe: Probe): string {
    const { httpGet, tcpSocket, exec, grpc } = probe;
    return JSON.stringify({ httpGet, tcpSocket, exec, grpc });
}

export const livenessDiffersFromReadiness = podPolicy({
    name: "probes-liveness-differs-from-readiness",
    group: "probes",
    severity: "medium",
    description:
        "A container's liveness probe asks something else than its readiness probe: readiness may check dependencies, liveness only the process, or a dependency outage restarts every replica at once.",
    remediation:
        "point livenessProbe at a process-local endpoint (e.g. /health/live) and keep dependency checks in the readinessProbe (e.g. /health/ready).",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            const { livenessProbe, readinessProbe } = c.container;
            if (livenessProbe && readinessProbe && probeTarget(livenessProbe) === probeTarget(readinessProbe)) {
                violation(`${c.label} uses the same check for liveness and readiness (${probeTarget(livenessProbe)}).`);
            }
        }
    },
});

export const probePolicies: Policies = [livenessAndStartup, readinessOnServedWorkloads, livenessDiffersFromReadiness];
