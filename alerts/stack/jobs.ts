// The stack's scrape jobs (the workload names of model/workloads.ts) and the runbook commands that
// reach its components.
import type { Duration } from "../../model/alerts";
import { observabilityWorkloads, type StackComponent } from "../../model/workloads";
import { sh } from "../core/markdown";
import { obsNs } from "../core/runbook-snippets";

/** The scrape job of each stack component (the workload name). */
export function stackJob(component: StackComponent): string {
    return observabilityWorkloads[component].name;
}

export const stackComponents = Object.keys(observabilityWorkloads) as StackComponent[];

const prometheus = observabilityWorkloads.prometheus;
export const promForward = sh(
    `kubectl -n ${obsNs} port-forward svc/${prometheus.name} ${prometheus.port}:${prometheus.port}   # then http://localhost:${prometheus.port}`,
);

/** `kubectl logs` of a stack StatefulSet (in its default namespace) since `since`, through `filter`. */
export function statefulSetLogs(component: StackComponent, since: Duration, filter: string): string {
    return `kubectl -n ${obsNs} logs statefulset/${stackJob(component)} --since=${since} | ${filter} | tail`;
}
