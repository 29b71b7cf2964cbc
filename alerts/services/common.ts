// What every per-service part shares: the labels its series are aggregated by, and the runbook
// commands that find a service's pods, logs and rollout.
import { by } from "../../model/promql";
import { logql, sh } from "../core/markdown";

/** Labels every aggregated service series keeps: Alertmanager groups and inhibits on them. */
export const serviceLabels = ["namespace", "job"] as const;
export const byJob = by(serviceLabels);

export function rate(sel: string, window: string): string {
    return `rate(${sel}[${window}])`;
}

export const serviceWorkload = sh(
    "JOB=<job label>; NS=<namespace label>",
    "kubectl -n $NS get deploy,pods,hpa -l app.kubernetes.io/name=$JOB -o wide",
    "kubectl -n $NS get events --sort-by=.lastTimestamp | grep $JOB | tail -20",
    "kubectl -n $NS logs deploy/$JOB --since=15m | tail -100",
);

export const rollback = [
    "If it started with a rollout («kubectl -n $NS rollout history deploy/$JOB», «pulumi stack history»), roll back:",
    sh(
        "kubectl -n $NS rollout undo deploy/$JOB     # immediate relief",
        "# then make it stick, or the next `pulumi up` re-deploys the bad version:",
        "pulumi config set --path 'workloads.services.<service>.tag' <previous-tag> && pulumi up",
    ),
].join("\n\n");

/** The log shipper labels streams with namespace, pod, container and app (= app.kubernetes.io/name). */
export const serviceLogs = (filter: string): string => logql(`{namespace="$NS", app="$JOB"} ${filter}`);
