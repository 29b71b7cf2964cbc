// What the Kubernetes alerts need kube-state-metrics to export beyond its defaults: the labels that
// tell the platform's own Jobs apart. The database Jobs set them, kube-state-metrics is started with
// the allowlist built here, and the Job alerts select on the Prometheus labels it produces, so the
// three always agree.
import { labelKeys } from "./labels";

/** Label on the platform's own Jobs (and the backup CronJob's) saying what the Job is for. */
export const jobRoleLabel = "azora.io/job-role";

/** The roles of the platform's Jobs: a release's schema migration, and the scheduled database backup. */
export const jobRoles = { migration: "migration", backup: "backup" } as const;
export type JobRole = (typeof jobRoles)[keyof typeof jobRoles];

/**
 * The Kubernetes labels kube-state-metrics exports on `kube_<kind>_labels`, per resource kind (its
 * plural): the Job alerts join on the role, and name the workload from app.kubernetes.io/name.
 */
const kubeStateMetricsLabelsAllowlist = {
    jobs: [jobRoleLabel, labelKeys.name],
    cronjobs: [jobRoleLabel, labelKeys.name],
} as const;

/** The value of kube-state-metrics' `--metric-labels-allowlist`: `jobs=[a,b],cronjobs=[a,b]`. */
export function kubeStateMetricsLabelsAllowlistFlag(): string {
    return Object.entries(kubeStateMetricsLabelsAllowlist)
        .map(([kind, keys]) => `${kind}=[${keys.join(",")}]`)
        .join(",");
}

/** The Prometheus label kube-state-metrics gives Kubernetes label `key`: `label_` and the key with
 *  every character outside [a-zA-Z0-9_] replaced by `_` (azora.io/job-role → label_azora_io_job_role). */
export function kubeStateMetricsLabel(key: string): string {
    return `label_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}
