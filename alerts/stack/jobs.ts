// The stack's scrape jobs (the workload names of model/workloads.ts) and the runbook commands that
// reach its components.
import { observabilityWorkloads, type StackComponent } from "../../model/workloads";
import { sh } from "../core/markdown";
import { obsNs } from "../core/runbook-snippets";

/** The scrape job of each stack component (the workload name). */
export function stackJob(component: StackComponent): string {
    return observabilityWorkloads[component].name;
}

export const stackComponents = Object.keys(observabilityWorkloads) as StackComponent[];

export const promForward = sh(`kubectl -n ${obsNs} port-forward svc/${observabilityWorkloads.prometheus.name} 9090:${observabilityWorkloads.prometheus.port}   # then http://localhost:9090`);
