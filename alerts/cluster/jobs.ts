// Jobs and CronJobs of the platform's namespaces, from kube-state-metrics. The platform's own Jobs
// are told apart by their role label (model/cluster-metrics.ts): a failed schema migration blocks a
// release and a failed or missed backup leaves a database without a recent dump, so both page; any
// other Job is a warning.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import {
    jobRoleLabel,
    type JobRole,
    jobRoles,
    kubeStateMetricsLabel,
    kubeStateMetricsLabelsAllowlistFlag,
} from "../../model/cluster-metrics";
import { durationSeconds, durationWords } from "../../model/durations";
import { labelKeys } from "../../model/labels";
import { alternation, num } from "../../model/promql";
import { type Hold, hold, lines, type RuleBuilder } from "../core/builder";
import { promql, sh, table } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";
import { fromKubeAlert, ksm, type PlatformNamespaces } from "./common";

const jobMetrics = {
    failed: "kube_job_failed",
    jobLabels: "kube_job_labels",
    cronJobLabels: "kube_cronjob_labels",
    nextSchedule: "kube_cronjob_next_schedule_time",
    lastSchedule: "kube_cronjob_status_last_schedule_time",
    lastSuccess: "kube_cronjob_status_last_successful_time",
    created: "kube_cronjob_created",
    suspended: "kube_cronjob_spec_suspend",
} as const;
const m = jobMetrics;

/** The Prometheus label carrying a Job's role (kube-state-metrics' label_* of azora.io/job-role). */
const roleLabel = kubeStateMetricsLabel(jobRoleLabel);
/** The Prometheus label carrying a Job's workload name (app.kubernetes.io/name). */
const nameLabel = kubeStateMetricsLabel(labelKeys.name);

/** How loud a failed Job is, by role; Jobs without a role are `otherJobs`. */
const failedJobSeverity: Record<JobRole, Severity> = { migration: "critical", backup: "critical" };
const otherJobs = { severity: "warning" } as const satisfies { severity: Severity };
const roleWords: Record<JobRole, string> = { migration: "schema migration", backup: "database backup" };

/** A CronJob whose next run is this long overdue (and not suspended) was not scheduled. */
const cronJobNotScheduled = { grace: "1h", severity: "warning", for: "15m" } as const satisfies Hold & { grace: Duration };
/**
 * The last success is older than one schedule interval (next run − last run) plus `grace`: the
 * latest run failed or never finished. Backups page; the grace covers a run's deadline (1h) and start.
 */
const lastSuccessTooOld = { grace: "2h", for: "15m", backup: "critical", other: "warning" } as const satisfies {
    grace: Duration;
    for: Duration;
    backup: Severity;
    other: Severity;
};

type Jobs = Extract<AlertName, "KubeJobFailed" | "KubeCronJobNotScheduled" | "KubeCronJobLastSuccessTooOld">;

const roles = Object.values(jobRoles);

export function jobRules(rb: RuleBuilder<Jobs>, ns: PlatformNamespaces): Rule[] {
    const failed = `(${ksm(m.failed, ns, { condition: "true" })} > 0)`;
    const withRole = (role: JobRole) =>
        lines(failed, `* on (namespace, job_name) group_left (${nameLabel})`, ksm(m.jobLabels, ns, { [roleLabel]: role }));
    const byRole = roles.map((role) =>
        rb.alert({
            name: "KubeJobFailed",
            expr: withRole(role),
            severity: failedJobSeverity[role],
            labels: { job_role: role },
            summary: `The ${roleWords[role]} Job {{ $labels.namespace }}/{{ $labels.job_name }} failed`,
            description:
                `The ${roleWords[role]} Job {{ $labels.namespace }}/{{ $labels.job_name }} ({{ $labels.${nameLabel} }}) ` +
                "failed: every retry of its backoff limit failed or its deadline passed." +
                (role === jobRoles.migration
                    ? " The release it belongs to cannot roll out until the migration succeeds."
                    : " The database has no new dump until a backup succeeds."),
        }),
    );
    const cron = (metric: string) => ksm(metric, ns);
    const interval = `(${cron(m.nextSchedule)} - on (namespace, cronjob) ${cron(m.lastSchedule)})`;
    const tooOld = lines(
        "(",
        `  time() - ${cron(m.lastSuccess)}`,
        `    > on (namespace, cronjob) ${interval} + ${num(durationSeconds(lastSuccessTooOld.grace))}`,
        ")",
        "or",
        "(",
        `  time() - ${cron(m.created)}`,
        `    > on (namespace, cronjob) ${interval} + ${num(durationSeconds(lastSuccessTooOld.grace))}`,
        `  unless on (namespace, cronjob) ${cron(m.lastSuccess)}`,
        ")",
    );
    const backups = ksm(m.cronJobLabels, ns, { [roleLabel]: jobRoles.backup });
    return [
        ...byRole,
        rb.alert({
            name: "KubeJobFailed",
            expr: lines(
                failed,
                "unless on (namespace, job_name)",
                ksm(m.jobLabels, ns, { [roleLabel]: { re: alternation(roles) } }),
            ),
            ...otherJobs,
            summary: "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed",
            description:
                "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed: every retry of its backoff limit failed or its deadline passed.",
        }),
        rb.alert({
            name: "KubeCronJobNotScheduled",
            expr: lines(
                `time() - ${cron(m.nextSchedule)} > ${num(durationSeconds(cronJobNotScheduled.grace))}`,
                "and on (namespace, cronjob)",
                `${cron(m.suspended)} == 0`,
            ),
            ...hold(cronJobNotScheduled),
            summary: "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} missed its schedule",
            description:
                "The next run of CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} was due {{ $value | humanizeDuration }} " +
                `ago (more than ${durationWords(cronJobNotScheduled.grace)}) and has not started; the CronJob is not suspended.`,
        }),
        rb.alert({
            name: "KubeCronJobLastSuccessTooOld",
            expr: lines("(", tooOld, ")", "and on (namespace, cronjob)", backups),
            for: lastSuccessTooOld.for,
            severity: lastSuccessTooOld.backup,
            labels: { job_role: jobRoles.backup },
            summary: "Backup CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not succeeded on schedule",
            description:
                "The last successful run of the database backup {{ $labels.namespace }}/{{ $labels.cronjob }} is " +
                `{{ $value | humanizeDuration }} old, more than one schedule interval plus ${durationWords(lastSuccessTooOld.grace)}: ` +
                "the latest backup is missing.",
        }),
        rb.alert({
            name: "KubeCronJobLastSuccessTooOld",
            expr: lines("(", tooOld, ")", "unless on (namespace, cronjob)", backups),
            for: lastSuccessTooOld.for,
            severity: lastSuccessTooOld.other,
            summary: "CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not succeeded on schedule",
            description:
                "The last successful run of CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} is {{ $value | humanizeDuration }} " +
                `old, more than one schedule interval plus ${durationWords(lastSuccessTooOld.grace)}.`,
        }),
    ];
}

const allowlist =
    `kube-state-metrics exports the role as «${roleLabel}» because it runs with ` +
    `«--metric-labels-allowlist=${kubeStateMetricsLabelsAllowlistFlag()}»; the migration Job and the backup CronJob ` +
    `(and the Jobs it creates) carry «${jobRoleLabel}».`;

const severityTable = table(
    ["Job", "role label", "severity"],
    [
        ...roles.map((r) => [roleWords[r], `${jobRoleLabel}=${r}`, failedJobSeverity[r]]),
        ["any other Job", "(none)", otherJobs.severity],
    ],
);

export const jobRunbooks = runbooks<Jobs>(__filename, {
    KubeJobFailed: () => ({
        meaning:
            `A Job of the platform's namespaces has failed («${m.failed}{condition="true"}»). The «job_role» label says ` +
            "whether it is a release's schema migration or a database backup; those page.",
        impact:
            "A failed migration blocks its release: «pulumi up» fails and the service keeps its previous version. A failed " +
            "backup leaves the database without a new dump. Finished migration Jobs are deleted after their TTL " +
            "(«database.migrationJobTtlSeconds»), which resolves the alert: read the logs before that.",
        facts: [severityTable, allowlist].join("\n\n"),
        check: [
            fromKubeAlert,
            sh(
                "kubectl -n $NS describe job <job_name> | sed -n '/Conditions:/,$p'",
                "kubectl -n $NS logs job/<job_name> --all-containers | tail -100",
                "kubectl -n $NS get pods -l job-name=<job_name> -o wide",
            ),
        ].join("\n\n"),
        act: [
            "- Migration: fix the migration or the database's state, then «pulumi up» again (a new image makes a new Job); " +
                "do not run the new release's pods against the old schema.",
            "- Backup: the log names pg_dump's error (authentication, disk full on the backup PVC, the database unreachable); " +
                "fix it and start a run now: «kubectl -n $NS create job --from=cronjob/<cronjob> <cronjob>-manual».",
        ].join("\n"),
    }),
    KubeCronJobNotScheduled: () => ({
        meaning:
            `A CronJob's next run («${m.nextSchedule}») is more than ${durationWords(cronJobNotScheduled.grace)} overdue and ` +
            "it is not suspended: the controller did not start it (a previous run still active under «concurrencyPolicy: Forbid», " +
            "or the starting deadline passed).",
        impact: "The scheduled work (for the platform: the nightly database backup) did not happen.",
        check: [
            fromKubeAlert,
            sh("kubectl -n $NS get cronjob <cronjob> -o wide", "kubectl -n $NS get jobs --sort-by=.status.startTime | tail"),
            promql(`time() - ${m.nextSchedule}{namespace="$NS"}`),
        ].join("\n\n"),
        act: "- A run still active: see why it hangs (its pod's log) and delete it; then start one by hand (see KubeJobFailed).",
    }),
    KubeCronJobLastSuccessTooOld: () => ({
        meaning:
            `A CronJob's last success («${m.lastSuccess}», or its creation when it never succeeded) is older than one schedule ` +
            `interval («${m.nextSchedule}» − «${m.lastSchedule}») plus ${durationWords(lastSuccessTooOld.grace)}: the latest ` +
            `run failed or never ran. A backup CronJob is ${lastSuccessTooOld.backup}, others ${lastSuccessTooOld.other}.`,
        impact: "For a backup: restoring today loses everything since the last good dump.",
        facts: allowlist,
        check: [
            fromKubeAlert,
            sh(
                "kubectl -n $NS get cronjob <cronjob> -o yaml | sed -n '/status:/,$p'",
                "kubectl -n $NS get jobs --sort-by=.status.startTime | tail",
            ),
        ].join("\n\n"),
        act: "- Find the failed run (see [KubeJobFailed](KubeJobFailed.md)), fix it and start a run by hand; the alert resolves with its success.",
    }),
});
