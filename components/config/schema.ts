// The stack configuration schema. Every knob has a safe default; anything less strict must be
// written in the stack file where a reviewer sees it. docs/config-reference.md is generated from here.
import { z } from "zod";
import { defaultNamespaces } from "../../model/namespaces";

const quantity = z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "a Kubernetes quantity such as 250m, 512Mi or 2Gi");
const duration = z.string().regex(/^[0-9]+(ms|s|m|h|d|w|y)$/, "a Prometheus duration such as 30s, 15d or 168h");
const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS-1123 label: lower-case letters, digits and '-'")
    .max(63);
const hostname = z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, "a lower-case DNS name such as api.azora.example");
const origin = z.string().regex(/^https?:\/\/[a-z0-9.-]+(:[0-9]+)?$/, "an origin such as https://app.azora.example");
const cidr = z
    .string()
    .regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/[0-9]{1,2}$/, "an IPv4 CIDR such as 10.20.0.0/16");
const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "a digest of the form sha256:<64 hex characters>");
const imageTag = z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "an image tag")
    .refine((t) => t !== "latest", "a pinned tag, never 'latest' (it makes rollouts unrepeatable)");
const cron = z
    .string()
    .regex(/^(\S+\s+){4}\S+$/, "a five-field cron schedule such as '15 2 * * *'");

export const environments = ["local", "e2e", "dev", "staging", "prod"] as const;

const resourceSpec = z.strictObject({
    requests: z.strictObject({ cpu: quantity, memory: quantity }),
    limits: z.strictObject({ cpu: quantity, memory: quantity }),
});

const replicaBounds = z
    .strictObject({
        min: z.number().int().min(1).max(100),
        max: z.number().int().min(1).max(500),
    })
    .refine((r) => r.max >= r.min, { message: "max must be at least min", path: ["max"] });

const serviceOverride = z.strictObject({
    replicas: replicaBounds.optional(),
    resources: resourceSpec.optional(),
    featureFlags: z.record(z.string(), z.boolean()).optional(),
    env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an UPPER_SNAKE_CASE variable name"), z.string()).optional(),
    /** Image tag for this service only (overrides images.tag). */
    tag: imageTag.optional(),
});

export const kubernetesSchema = z
    .strictObject({
        /** Render manifests to this directory instead of talking to a cluster (local stack). */
        renderDirectory: z.string().min(1).optional(),
        kubeconfig: z.string().min(1).optional(),
        context: z.string().min(1).optional(),
        /** Apply field manager conflicts as errors, never overwrite another manager's fields silently. */
        serverSideApply: z.boolean().default(true),
        /** Where the API server lives, for the few workloads allowed to call it (egress NetworkPolicy). */
        apiServerCidrs: z.array(cidr).min(1).default(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]),
    })
    .refine((k) => !(k.renderDirectory && (k.kubeconfig || k.context)), {
        message: "renderDirectory cannot be combined with kubeconfig or context; pick one target",
        path: ["renderDirectory"],
    })
    .refine((k) => Boolean(k.renderDirectory || k.context || k.kubeconfig), {
        message: "set renderDirectory (render only) or context/kubeconfig (a real cluster)",
        path: ["context"],
    });

export const imagesSchema = z.strictObject({
    registry: z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "a registry path such as ghcr.io/azora-os"),
    tag: imageTag,
    /** Refuse to deploy any service without a digest (prod). */
    requireDigest: z.boolean().default(false),
    digests: z.record(z.string(), digest).default({}),
    pullPolicy: z.enum(["IfNotPresent", "Always"]).default("IfNotPresent"),
    /** Build images from source with @pulumi/docker and deploy them by digest. */
    build: z
        .strictObject({
            enabled: z.boolean().default(false),
            sourceRoot: z.string().min(1),
            push: z.boolean().default(true),
        })
        .optional(),
});

export const workloadsSchema = z.strictObject({
    replicas: replicaBounds,
    targetCpuUtilization: z.number().int().min(20).max(95).default(70),
    targetMemoryUtilization: z.number().int().min(20).max(95).default(80),
    scaleDownStabilizationSeconds: z.number().int().min(0).max(3600).default(300),
    topologySpread: z
        .strictObject({
            whenUnsatisfiable: z.enum(["DoNotSchedule", "ScheduleAnyway"]).default("ScheduleAnyway"),
        })
        .default({ whenUnsatisfiable: "ScheduleAnyway" }),
    terminationGracePeriodSeconds: z.number().int().min(5).max(300).default(30),
    preStopSleepSeconds: z.number().int().min(0).max(60).default(5),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
    featureFlags: z.record(z.string(), z.boolean()).default({}),
    services: z.record(z.string(), serviceOverride).default({}),
});

export const namespacesSchema = z.strictObject({
    services: dnsLabel.default(defaultNamespaces.services),
    observability: dnsLabel.default(defaultNamespaces.observability),
    /** Holds only the log shipper: its read-only hostPath needs Pod Security "privileged" here. */
    logging: dnsLabel.default(defaultNamespaces.logging),
    quota: z
        .strictObject({
            requestsCpu: quantity,
            requestsMemory: quantity,
            limitsCpu: quantity,
            limitsMemory: quantity,
            pods: z.number().int().min(10),
        })
        .default({ requestsCpu: "20", requestsMemory: "40Gi", limitsCpu: "40", limitsMemory: "80Gi", pods: 200 }),
});

export const secretsSchema = z.strictObject({
    /** Bump to regenerate every platform-generated secret (the pods roll through the checksum). */
    rotation: z.number().int().min(0).default(0),
    /** Third-party credentials come from this existing Secret per service, `<service>-external`,
     *  unless a value is set in `externalValues` (as a `pulumi config set --secret --path`). */
    externalValues: z.record(z.string(), z.record(z.string(), z.string().min(1))).default({}),
    /** Slack incoming-webhook URL for Alertmanager; set with `pulumi config set --secret --path`. */
    slackWebhookUrl: z.url().optional(),
});

export const databaseSchema = z.strictObject({
    host: hostname,
    port: z.number().int().min(1).max(65535).default(5432),
    sslMode: z.enum(["require", "verify-ca", "verify-full"]).default("verify-full"),
    /** Where the database answers; the only addresses services with a database may reach on its port. */
    egressCidrs: z.array(cidr).min(1),
    /** A finished migration Job is kept this long for inspection before the cluster deletes it. */
    migrationJobTtlSeconds: z.number().int().min(600).default(604800),
    backupImage: z
        .string()
        .min(1)
        .default(
            "docker.io/library/postgres:17.6-alpine3.22@sha256:ef257d85f76e48da1c64832459b59fcaba1a4dac97bf5d7450c77753542eee94",
        ),
    migrationTimeoutSeconds: z.number().int().min(60).max(3600).default(600),
    backup: z
        .strictObject({
            enabled: z.boolean().default(true),
            schedule: cron.default("15 2 * * *"),
            retentionDays: z.number().int().min(1).max(365).default(14),
            storageSize: quantity.default("20Gi"),
            storageClassName: z.string().optional(),
        })
        .default({ enabled: true, schedule: "15 2 * * *", retentionDays: 14, storageSize: "20Gi" }),
});

export const edgeSchema = z.strictObject({
    domain: hostname,
    ingressClassName: z.string().min(1).default("nginx"),
    /** Namespace of the ingress controller, the only peer allowed into the gateway. */
    ingressControllerNamespace: dnsLabel.default("ingress-nginx"),
    tls: z.discriminatedUnion("issuer", [
        z.strictObject({ issuer: z.literal("selfsigned") }),
        z.strictObject({
            issuer: z.literal("acme"),
            email: z.email("an e-mail address for the ACME account"),
            server: z.url().default("https://acme-v02.api.letsencrypt.org/directory"),
        }),
        /**
         * The certificate is provisioned outside this stack (a corporate PKI, a cert-manager owned by
         * another team, or a cluster without cert-manager such as the e2e control plane): the Ingress
         * serves the named Secret and the stack creates no ClusterIssuer or Certificate.
         */
        z.strictObject({ issuer: z.literal("external"), secretName: dnsLabel }),
    ]),
    /** Install cert-manager with @pulumi/kubernetes-cert-manager; off where the cluster has one. */
    installCertManager: z.boolean().default(false),
    /** The cert-manager Helm chart release installed when installCertManager is on. */
    certManagerChartVersion: z
        .string()
        .regex(/^v[0-9]+\.[0-9]+\.[0-9]+$/, "a cert-manager release such as v1.16.3")
        .default("v1.16.3"),
    cors: z.strictObject({
        allowedOrigins: z.array(origin).min(1),
        allowCredentials: z.boolean().default(true),
        maxAgeSeconds: z.number().int().min(0).max(86400).default(600),
    }),
    rateLimit: z.strictObject({
        rps: z.number().int().min(1).max(10000),
        burstMultiplier: z.number().int().min(1).max(20).default(5),
        connections: z.number().int().min(1).max(10000),
    }),
    bodySizeLimit: z.string().regex(/^[0-9]+[km]$/, "an nginx size such as 1m or 512k").default("1m"),
    hstsMaxAgeSeconds: z.number().int().min(300).default(31536000),
    contentSecurityPolicy: z
        .string()
        .min(1)
        .default("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
});

const persistence = z.strictObject({
    enabled: z.boolean().default(true),
    size: quantity,
    storageClassName: z.string().optional(),
});

export const observabilitySchema = z.strictObject({
    /** Base of every alert's runbook_url; the runbooks live in docs/runbooks/<alert>.md. */
    runbookBaseUrl: z.url().default("https://github.com/azora-os/azora-platform/blob/main/docs/runbooks"),
    prometheus: z.strictObject({
        replicas: z.number().int().min(1).max(3).default(1),
        retentionTime: duration.default("15d"),
        retentionSize: z.string().regex(/^[0-9]+(MB|GB|TB)$/, "a size such as 40GB").default("40GB"),
        scrapeInterval: duration.default("30s"),
        persistence,
        resources: resourceSpec.optional(),
    }),
    alertmanager: z.strictObject({
        replicas: z.number().int().min(1).max(5).default(1),
        /** Where alerts go: slack (webhook from secret) or none (local stacks). */
        receiver: z.discriminatedUnion("type", [
            z.strictObject({ type: z.literal("none") }),
            z.strictObject({
                type: z.literal("slack"),
                channel: z.string().regex(/^#[a-z0-9_-]+$/, "a Slack channel such as #azora-alerts"),
                criticalChannel: z.string().regex(/^#[a-z0-9_-]+$/, "a Slack channel").optional(),
                /** Existing Secret with key `url`; used when secrets.slackWebhookUrl is not set. */
                existingSecret: z.string().min(1).optional(),
            }),
        ]),
        deadMansSwitchUrl: z.url().optional(),
    }),
    grafana: z.strictObject({
        /** Grafana keeps its state in SQLite on one volume, so it runs as exactly one replica. */
        replicas: z.literal(1, "exactly 1: Grafana's SQLite database cannot be shared between replicas").default(1),
        persistence,
    }),
    loki: z.strictObject({
        retention: z.string().regex(/^[0-9]+h$/, "hours, such as 168h").default("168h"),
        persistence,
    }),
    jaeger: z.strictObject({
        /** memory: traces are lost on restart; badger: persisted to a volume. */
        storage: z.enum(["memory", "badger"]).default("badger"),
        maxTraces: z.number().int().min(1000).default(50000),
        persistence,
    }),
    otelCollector: z.strictObject({
        replicas: z.number().int().min(1).max(10).default(1),
        samplingPercentage: z.number().min(0).max(100).default(10),
    }),
});

export const accessSchema = z.strictObject({
    /** Groups bound to the namespaced deployer role (rollouts, scaling; no secrets, no exec). */
    deployerGroups: z.array(z.string().min(1)).default(["azora-deployers"]),
    /** Groups bound to the read-only viewer role (no secrets). */
    viewerGroups: z.array(z.string().min(1)).default(["azora-viewers"]),
});

export const platformSchema = z.strictObject({
    environment: z.enum(environments),
    kubernetes: kubernetesSchema,
    namespaces: namespacesSchema.default({
        ...defaultNamespaces,
        quota: { requestsCpu: "20", requestsMemory: "40Gi", limitsCpu: "40", limitsMemory: "80Gi", pods: 200 },
    }),
    images: imagesSchema,
    workloads: workloadsSchema,
    secrets: secretsSchema.default({ rotation: 0, externalValues: {} }),
    database: databaseSchema,
    edge: edgeSchema,
    observability: observabilitySchema,
    access: accessSchema.default({ deployerGroups: ["azora-deployers"], viewerGroups: ["azora-viewers"] }),
});

export type PlatformConfigInput = z.input<typeof platformSchema>;
export type PlatformSettings = z.output<typeof platformSchema>;
export type KubernetesSettings = PlatformSettings["kubernetes"];
export type ImageSettings = PlatformSettings["images"];
export type WorkloadSettings = PlatformSettings["workloads"];
export type NamespaceSettings = PlatformSettings["namespaces"];
export type SecretSettings = PlatformSettings["secrets"];
export type DatabaseSettings = PlatformSettings["database"];
export type EdgeSettings = PlatformSettings["edge"];
export type ObservabilitySettings = PlatformSettings["observability"];
export type AccessSettings = PlatformSettings["access"];
export type ServiceOverride = z.output<typeof serviceOverride>;
