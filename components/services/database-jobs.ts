// Database work around a service's rollout: a backup of the database taken for the release, then
// the schema migration that must finish before new pods start (each release runs both, in that
// order, awaited), and the scheduled logical backup with its retention.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec, ServiceSpec } from "../../model/catalog";
import type { DatabaseSettings } from "../config";
import { hardenedPod } from "../k8s/pod";
import { networkPolicy } from "../k8s/network-policy";
import { databaseEgress, NetworkContext } from "./network";
import { selectorLabels, standardLabels } from "../../model/labels";
import { databaseSecretKeys, secretFileEnvName } from "../../model/secrets";
import { jobRoleLabel, jobRoles } from "../../model/cluster-metrics";
import { type SecretRef, secretFiles } from "./service-secrets";

export interface DatabaseJobsArgs {
    spec: ServiceSpec;
    database: DatabaseSettings;
    network: NetworkContext;
    environment: string;
    serviceAccountName: string;
    image: pulumi.Input<string>;
    imagePullPolicy: string;
    resources: ResourceSpec;
    configMapName: string;
    /** The service's secrets: the migration reads them as files like the service; the backup reads the password file. */
    secrets: Record<string, SecretRef>;
}

/**
 * The backup's UID: the image's own postgres user (70) is a host-range UID; pg_dump runs as any UID,
 * since it writes only to the backup volume (group-owned by the pod's fsGroup) and reads its password
 * from a file.
 */
const backupUid = 10070;

/** pg_dump streams to the backup volume, so its own disk use is its log; /tmp is added by the pod builder. */
const backupResources: ResourceSpec = {
    requests: { cpu: "100m", memory: "128Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "1", memory: "512Mi", ephemeralStorage: "256Mi" },
};

/**
 * The migration Job's name: the service's plus a hash of the resolved pod template. A new image makes
 * a new Job, so migrations run exactly once per release; so does any other change to the template,
 * which a Job cannot take in place (its template is immutable: an update of the same Job is refused).
 * Config-only changes (the ConfigMap's content, not its name) leave it alone.
 */
export function migrationJobName(service: string, template: unknown): string {
    return `${service}-migrate-${releaseId(template)}`;
}

/**
 * The release's backup Job: the release id, then a hash of its own pod template — a Job's template
 * is immutable, so a change of the backup itself (its image, retention, database address) within one
 * release makes a new Job instead of an update the API server would refuse.
 */
function releaseBackupJobName(service: string, release: string, backupTemplate: unknown): string {
    return `${service}-backup-${release}-${templateHash(backupTemplate).slice(0, 5)}`;
}

/** A release of a service with a database: the hash of its migration's pod template. */
function releaseId(migrationTemplate: unknown): string {
    return templateHash(migrationTemplate).slice(0, 10);
}

const templateHash = (template: unknown): string => createHash("sha256").update(JSON.stringify(template)).digest("hex");

/** The Jobs of one release carry its id, so the backup taken for a migration is found beside it. */
export const releaseLabel = "azora.io/release";

export class DatabaseJobs extends pulumi.ComponentResource {
    readonly migration: k8s.batch.v1.Job;

    constructor(name: string, args: DatabaseJobsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:service:DatabaseJobs", name, {}, opts);
        const child = { parent: this };
        const { spec, database } = args;
        const db = spec.database;
        if (!db) throw new Error(`${spec.name} declares no database`);
        const ns = args.network.namespace;
        const clientLabel = { "azora.io/db-client": spec.name };
        const labelsFor = (workload: string) => ({
            ...standardLabels({ name: workload, component: "database", environment: args.environment }),
            ...clientLabel,
        });

        networkPolicy(
            { parent: this, prefix: name },
            { name: `${spec.name}-db-jobs`, namespace: ns, labels: labelsFor(`${spec.name}-db-jobs`) },
            clientLabel,
            { ingress: [], egress: [databaseEgress(args.network)] },
            "db-jobs",
        );

        const migrateLabels = labelsFor(`${spec.name}-migrate`);
        const files = secretFiles(args.secrets);
        const template: k8s.types.input.core.v1.PodTemplateSpec = {
            metadata: { labels: migrateLabels },
            spec: hardenedPod({
                name: `${spec.name}-migrate`,
                serviceAccountName: args.serviceAccountName,
                restartPolicy: "Never",
                containers: [
                    {
                        name: "migrate",
                        image: args.image,
                        imagePullPolicy: args.imagePullPolicy,
                        command: db.migrateCommand,
                        envFrom: [{ configMapRef: { name: args.configMapName } }],
                        env: files.env,
                        resources: args.resources,
                        volumeMounts: files.volumeMounts,
                    },
                ],
                volumes: files.volumes,
            }),
        };
        const resolved = pulumi.output(template);
        const release = resolved.apply((t) => releaseId(t));
        const backup = database.backup.enabled
            ? this.backups(args, labelsFor(`${spec.name}-db-backup`), release, child)
            : undefined;
        this.migration = new k8s.batch.v1.Job(
            `${spec.name}-migrate`,
            {
                // The role on the Job only (not its pod template, which a Job cannot change): the Job
                // alerts find a failed migration by it through kube-state-metrics.
                metadata: {
                    name: resolved.apply((t) => migrationJobName(spec.name, t)),
                    namespace: ns,
                    labels: release.apply((r) => ({ ...migrateLabels, [jobRoleLabel]: jobRoles.migration, [releaseLabel]: r })),
                },
                spec: {
                    backoffLimit: 2,
                    activeDeadlineSeconds: database.migrationTimeoutSeconds,
                    ttlSecondsAfterFinished: database.migrationJobTtlSeconds,
                    template,
                },
            },
            // The release's backup is awaited complete first: a migration never runs without one.
            { ...child, deleteBeforeReplace: false, ...(backup ? { dependsOn: [backup] } : {}) },
        );

        this.registerOutputs({
            migrationJob: this.migration.metadata.name,
            ...(backup ? { releaseBackupJob: backup.metadata.name } : {}),
        });
    }

    /**
     * The backups of the service's database: the claim they are written to, the scheduled CronJob,
     * and the Job that backs the database up for this release (returned: the migration waits for it).
     */
    private backups(
        args: DatabaseJobsArgs,
        labels: Record<string, string>,
        release: pulumi.Output<string>,
        opts: pulumi.CustomResourceOptions,
    ): k8s.batch.v1.Job {
        const { spec, database } = args;
        const dbName = spec.database?.name ?? spec.name;
        const ns = args.network.namespace;
        const pvcName = `${spec.name}-db-backups`;
        const password = databaseSecretKeys.password;
        const passwordRef = args.secrets[password];
        if (!passwordRef) throw new Error(`${spec.name}: no ${password} among its secrets for the backup`);
        const files = secretFiles({ [password]: passwordRef });
        new k8s.core.v1.PersistentVolumeClaim(
            pvcName,
            {
                metadata: { name: pvcName, namespace: ns, labels },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: database.backup.storageSize } },
                    ...(database.backup.storageClassName ? { storageClassName: database.backup.storageClassName } : {}),
                },
            },
            { ...opts, protect: false },
        );
        // libpq reads no *_FILE variable, and ignores a PGPASSFILE that its group may read (the secret
        // volume's 0440 under fsGroup), so the script hands the mounted file's content to pg_dump itself.
        const script = [
            "set -eu",
            `PGPASSWORD="$(cat "$${secretFileEnvName(password)}")"`,
            "export PGPASSWORD",
            `file=/backups/${dbName}-$(date -u +%Y%m%dT%H%M%SZ).dump`,
            `pg_dump --format=custom --no-owner --file="$file.partial" "${dbName}"`,
            'mv "$file.partial" "$file"',
            `find /backups -name '${dbName}-*.dump' -mtime +${database.backup.retentionDays} -delete`,
            'echo "backup written: $file"',
        ].join("\n");
        // The CronJob and the Jobs carry the backup role (a Job gets only its template's labels): the
        // Job alerts page on a failed or missed backup by it.
        const backupLabels = { ...labels, [jobRoleLabel]: jobRoles.backup };
        const jobSpec: k8s.types.input.batch.v1.JobSpec = {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            template: {
                metadata: { labels: { ...labels, ...selectorLabels(`${spec.name}-db-backup`) } },
                spec: hardenedPod({
                    name: `${spec.name}-db-backup`,
                    serviceAccountName: args.serviceAccountName,
                    restartPolicy: "Never",
                    identity: { uid: backupUid },
                    containers: [
                        {
                            name: "pg-dump",
                            image: database.backupImage,
                            command: ["/bin/sh", "-c", script],
                            env: [
                                { name: "PGHOST", value: database.host },
                                { name: "PGPORT", value: String(database.port) },
                                { name: "PGUSER", value: spec.name },
                                { name: "PGSSLMODE", value: database.sslMode },
                                ...files.env,
                            ],
                            resources: backupResources,
                            volumeMounts: [{ name: "backups", mountPath: "/backups" }, ...files.volumeMounts],
                        },
                    ],
                    volumes: [{ name: "backups", persistentVolumeClaim: { claimName: pvcName } }, ...files.volumes],
                }),
            },
        };
        new k8s.batch.v1.CronJob(
            `${spec.name}-db-backup`,
            {
                metadata: { name: `${spec.name}-db-backup`, namespace: ns, labels: backupLabels },
                spec: {
                    schedule: database.backup.schedule,
                    concurrencyPolicy: "Forbid",
                    startingDeadlineSeconds: 600,
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: { metadata: { labels: backupLabels }, spec: jobSpec },
                },
            },
            opts,
        );
        // Named by the release like its migration, so a release backs up once and a new one again;
        // labelled with it and kept as long as the migration Job, so the two are found side by side.
        return new k8s.batch.v1.Job(
            `${spec.name}-release-backup`,
            {
                metadata: {
                    name: pulumi.all([release, jobSpec.template]).apply(([r, t]) => releaseBackupJobName(spec.name, r, t)),
                    namespace: ns,
                    labels: release.apply((r) => ({ ...backupLabels, [releaseLabel]: r })),
                },
                spec: { ...jobSpec, ttlSecondsAfterFinished: database.migrationJobTtlSeconds },
            },
            { ...opts, deleteBeforeReplace: false },
        );
    }
}
