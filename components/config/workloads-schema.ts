// How the services run: autoscaling and rollout, per-service overrides, their secrets and their database.
import { z } from "zod";
import { cidr, cron, featureFlags, hostname, imageTag, quantity, replicaBounds, resourceSpec, serviceName } from "./fields";

const serviceOverride = z
    .strictObject({
        replicas: replicaBounds.optional().describe("HPA bounds of this service (replaces `workloads.replicas`)."),
        resources: resourceSpec.optional().describe("Requests and limits of this service (replaces the catalog's sizing)."),
        featureFlags: featureFlags.optional().describe("Flags merged over `workloads.featureFlags` for this service."),
        env: z
            .record(
                z
                    .string()
                    .regex(/^[A-Z][A-Z0-9_]*$/, "an UPPER_SNAKE_CASE variable name")
                    .meta({ title: "NAME" }),
                z.string().describe("Value of the variable."),
            )
            .optional()
            .describe(
                "Extra environment variables of this service; a name the platform already sets (PORT, DATABASE_*, …) is rejected.",
            ),
        tag: imageTag.optional().describe("Image tag for this service only (overrides images.tag)."),
    })
    .describe("Overrides for one service; what is left out keeps the stack-wide setting (resources: the catalog's sizing).");

// zod skips a refinement once any key of the object failed; the target rules read only these keys,
// so they still run when another key (a missing apiServerCidrs) is wrong and every problem is reported at once.

export const workloadsSchema = z.strictObject({
    replicas: replicaBounds.describe(
        "HorizontalPodAutoscaler bounds of every service. The Deployment sets no replica count: the HPA owns it.",
    ),
    targetCpuUtilization: z
        .number()
        .int()
        .min(20)
        .max(95)
        .default(70)
        .describe("HPA target: average CPU use as a percentage of the containers' requests."),
    targetMemoryUtilization: z
        .number()
        .int()
        .min(20)
        .max(95)
        .default(80)
        .describe("HPA target: average memory use as a percentage of the containers' requests."),
    scaleDownStabilizationSeconds: z
        .number()
        .int()
        .min(0)
        .max(3600)
        .default(300)
        .describe("HPA scale-down stabilization window; scale-down then removes at most 50 % of the pods per minute."),
    topologySpread: z
        .strictObject({
            whenUnsatisfiable: z
                .enum(["DoNotSchedule", "ScheduleAnyway"])
                .default("ScheduleAnyway")
                .describe(
                    "`DoNotSchedule` leaves a pod Pending rather than break the spread; `ScheduleAnyway` prefers spread but schedules anyway.",
                ),
        })
        .prefault({})
        .describe("Spread of each service's pods over zones and nodes (max skew 1)."),
    terminationGracePeriodSeconds: z
        .number()
        .int()
        .min(5)
        .max(300)
        .default(30)
        .describe("Seconds a pod gets between SIGTERM and SIGKILL."),
    preStopSleepSeconds: z
        .number()
        .int()
        .min(0)
        .max(60)
        .default(5)
        .describe("preStop sleep before SIGTERM, so endpoints stop sending traffic before the process starts shutting down."),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info").describe("`LOG_LEVEL` of every service."),
    featureFlags: featureFlags
        .default({})
        .describe("Feature flags of every service, exported as `FEATURE_<FLAG_NAME>=true|false` (camelCase → UPPER_SNAKE)."),
    services: z
        .record(serviceName, serviceOverride)
        .default({})
        .describe("Per-service overrides, keyed by the service's catalog name."),
});

export const secretsSchema = z.strictObject({
    rotation: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe("Bump to regenerate every platform-generated secret (the pods roll through the checksum)."),
    externalValues: z
        .record(
            serviceName,
            z
                .record(
                    z.string().meta({ title: "KEY" }),
                    z
                        .string()
                        .min(1)
                        .describe(
                            "Value of a third-party credential the catalog declares in the service's `externalSecrets`; the platform then owns the Secret `<service>-external`.",
                        ),
                )
                .describe("The third-party credentials of one service, by the key the catalog declares."),
        )
        .default({})
        .describe(
            "Third-party credentials come from this existing Secret per service, `<service>-external`, unless a value is set in `externalValues` (as a `pulumi config set --secret --path`).",
        ),
    slackWebhookUrl: z
        .url()
        .optional()
        .describe("Slack incoming-webhook URL for Alertmanager; set with `pulumi config set --secret --path`."),
    remoteWrite: z
        .strictObject({
            password: z
                .string()
                .min(1)
                .optional()
                .describe("Basic-auth password of `observability.prometheus.remoteWrite` (`auth: basic`)."),
            bearerToken: z
                .string()
                .min(1)
                .optional()
                .describe("Bearer token of `observability.prometheus.remoteWrite` (`auth: bearer`)."),
        })
        .default({})
        .describe("Credentials of Prometheus's remote_write, set with `pulumi config set --secret --path`; mounted as files."),
    alerting: z
        .strictObject({
            pagerdutyRoutingKey: z
                .string()
                .min(1)
                .optional()
                .describe(
                    "PagerDuty Events API v2 routing (integration) key; needed by `escalation.pagerduty` without an existingSecret.",
                ),
            opsgenieApiKey: z
                .string()
                .min(1)
                .optional()
                .describe("Opsgenie API integration key; needed by `escalation.opsgenie` without an existingSecret."),
            webhookBearerToken: z
                .string()
                .min(1)
                .optional()
                .describe("Bearer token of `escalation.webhook` when its `bearerToken` is true and no existingSecret is named."),
        })
        .default({})
        .describe(
            "Credentials of observability.alertmanager.escalation, set with `pulumi config set --secret --path secrets.alerting.<key>`; Alertmanager reads them from a mounted Secret.",
        ),
});

export const databaseSchema = z.strictObject({
    host: hostname.describe("PostgreSQL host name (`DATABASE_HOST`, `PGHOST`)."),
    port: z
        .number()
        .int()
        .min(1)
        .max(65535)
        .default(5432)
        .describe("PostgreSQL port; also the only port the database egress NetworkPolicies open."),
    sslMode: z
        .enum(["require", "verify-ca", "verify-full"])
        .default("verify-full")
        .describe("`sslmode` of `DATABASE_URL`, `DATABASE_SSLMODE` and the backup's `PGSSLMODE`."),
    egressCidrs: z
        .array(cidr)
        .min(1)
        .describe("Where the database answers; the only addresses services with a database may reach on its port."),
    migrationJobTtlSeconds: z
        .number()
        .int()
        .min(600)
        .default(604800)
        .describe("A finished migration Job is kept this long for inspection before the cluster deletes it."),
    backupImage: z
        .string()
        .min(1)
        .default(
            "docker.io/library/postgres:17.6-alpine3.22@sha256:ef257d85f76e48da1c64832459b59fcaba1a4dac97bf5d7450c77753542eee94",
        )
        .describe("Image of the backup CronJob's `pg_dump` container."),
    migrationTimeoutSeconds: z
        .number()
        .int()
        .min(60)
        .max(3600)
        .default(600)
        .describe("`activeDeadlineSeconds` of each migration Job."),
    backup: z
        .strictObject({
            enabled: z.boolean().default(true).describe("Create the backup CronJob and PVC for every service with a database."),
            schedule: cron
                .default("15 2 * * *")
                .describe("Cron schedule of the backup CronJob (cluster time zone, normally UTC)."),
            retentionDays: z
                .number()
                .int()
                .min(1)
                .max(365)
                .default(14)
                .describe("Dump files older than this are deleted by each backup run."),
            storageSize: quantity.default("20Gi").describe("Size of the PVC `<service>-db-backups`."),
            storageClassName: z.string().optional().describe("StorageClass of the backup PVC; unset: the cluster default."),
        })
        .prefault({})
        .describe(
            "Nightly `pg_dump` of each service database: CronJob `<service>-db-backup` writing to PVC `<service>-db-backups`.",
        ),
});
