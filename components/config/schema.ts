// The stack configuration schema. Every knob has a safe default; anything less strict must be
// written in the stack file where a reviewer sees it, and what has no safe default is required.
// Each key carries its description; docs/config-reference.md is generated from this schema alone
// (scripts/config-reference.ts), so a key without a description fails the reference's test.
//
// Defaults are written once, on the key they belong to. An object whose keys all have defaults is
// `.prefault({})`: left out, it is parsed as if written empty, so its keys' own defaults fill it
// (`.default(value)` would return `value` unparsed and make the object restate them).
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

// The key of a map: its title is the placeholder the reference writes for it (`<service>`).
const serviceName = z.string().meta({ title: "service" });
const featureFlags = z.record(z.string().meta({ title: "flag" }), z.boolean().describe("`true` turns the flag on."));

export const environments = ["local", "e2e", "dev", "staging", "prod"] as const;

const resourceSpec = z.strictObject({
    requests: z
        .strictObject({
            cpu: quantity.describe("CPU reserved for the container, such as `250m`."),
            memory: quantity.describe("Memory reserved for the container, such as `512Mi`."),
        })
        .describe(
            "Reserved per container: the scheduler places the pod by these, and a service's HPA utilization targets are relative to them.",
        ),
    limits: z
        .strictObject({
            cpu: quantity.describe("Most CPU the container may use; above it, it is throttled."),
            memory: quantity.describe("Most memory the container may use; above it, it is OOM-killed."),
        })
        .describe("Hard cap per container: CPU is throttled above it, memory above it is OOM-killed."),
});

const replicaBounds = z
    .strictObject({
        min: z.number().int().min(1).max(100).describe("Fewest pods (HPA `minReplicas`)."),
        max: z.number().int().min(1).max(500).describe("Most pods (HPA `maxReplicas`)."),
    })
    .refine((r) => r.max >= r.min, { message: "max must be at least min", path: ["max"] });

const serviceOverride = z
    .strictObject({
        replicas: replicaBounds.optional().describe("HPA bounds of this service (replaces `workloads.replicas`)."),
        resources: resourceSpec.optional().describe("Requests and limits of this service (replaces the catalog's sizing)."),
        featureFlags: featureFlags.optional().describe("Flags merged over `workloads.featureFlags` for this service."),
        env: z
            .record(
                z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an UPPER_SNAKE_CASE variable name").meta({ title: "NAME" }),
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
const targetKeys: readonly PropertyKey[] = ["renderDirectory", "kubeconfig", "context"];
const targetKeysParsed = (payload: z.core.ParsePayload): boolean =>
    payload.issues.every((issue) => !targetKeys.includes(issue.path?.[0] ?? ""));

export const kubernetesSchema = z
    .strictObject({
        renderDirectory: z
            .string()
            .min(1)
            .optional()
            .describe("Render manifests to this directory instead of talking to a cluster (local stack)."),
        kubeconfig: z
            .string()
            .min(1)
            .optional()
            .describe(
                "Kubeconfig for the Kubernetes provider (a path or the file's contents). Unset: the ambient `KUBECONFIG` or `~/.kube/config`.",
            ),
        context: z
            .string()
            .min(1)
            .optional()
            .describe("Kubeconfig context of the target cluster (`azora-dev`, `azora-staging`, `azora-prod`)."),
        serverSideApply: z
            .boolean()
            .default(true)
            .describe("Apply field manager conflicts as errors, never overwrite another manager's fields silently."),
        // No default: any default wide enough to work everywhere (all private ranges, or the
        // internet) would let the workloads that may call the API reach much more than the API.
        apiServerCidrs: z
            .array(cidr, {
                // Only for the missing key: an empty or malformed list keeps zod's own message.
                error: (issue) =>
                    issue.input === undefined
                        ? "the control plane's addresses as a list of IPv4 CIDRs, such as [\"192.0.2.10/32\"] (`kubectl get endpoints kubernetes` lists them)"
                        : undefined,
            })
            .min(1)
            .describe(
                "Where the Kubernetes API server is reachable: the only addresses Prometheus' discovery and services with `kubernetesApi` may reach on ports 443 and 6443 (egress NetworkPolicy). Required, with no default: narrow it to the control plane's addresses.",
            ),
    })
    .refine((k) => !(k.renderDirectory && (k.kubeconfig || k.context)), {
        message: "renderDirectory cannot be combined with kubeconfig or context; pick one target",
        path: ["renderDirectory"],
        when: targetKeysParsed,
    })
    .refine((k) => Boolean(k.renderDirectory || k.context || k.kubeconfig), {
        message: "set renderDirectory (render only) or context/kubeconfig (a real cluster)",
        path: ["context"],
        when: targetKeysParsed,
    });

export const imagesSchema = z.strictObject({
    registry: z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "a registry path such as ghcr.io/azora-os")
        .describe("Registry path of every service image: `<registry>/<service>:<tag>[@<digest>]`."),
    tag: imageTag.describe(
        "Release tag of every service image; one service's tag can be overridden in `workloads.services.<service>.tag`.",
    ),
    requireDigest: z.boolean().default(false).describe("Refuse to deploy any service without a digest (prod)."),
    digests: z
        .record(serviceName, digest.describe("Appended as `@sha256:…`; a digest wins over the tag at pull time."))
        .default({})
        .describe(
            "Image digest per service, written by the image pipeline (`pulumi config set --path images.digests.<service> sha256:…`).",
        ),
    pullPolicy: z
        .enum(["IfNotPresent", "Always"])
        .default("IfNotPresent")
        .describe("`imagePullPolicy` of every service container and migration Job."),
    build: z
        .strictObject({
            enabled: z.boolean().default(false).describe("Build the images in `pulumi up` instead of pulling released ones."),
            sourceRoot: z
                .string()
                .min(1)
                .describe(
                    "Directory holding one source directory per service (`<sourceRoot>/<service>`), built with components/services/service.Dockerfile.",
                ),
            push: z
                .boolean()
                .default(true)
                .describe("Push the built images and deploy them by the pushed digest; `false` builds locally and deploys by tag."),
        })
        .optional()
        .describe("Build images from source with @pulumi/docker and deploy them by digest."),
});

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

export const namespacesSchema = z.strictObject({
    services: dnsLabel
        .default(defaultNamespaces.services)
        .describe("Namespace of the ten services, the edge and the database jobs."),
    observability: dnsLabel
        .default(defaultNamespaces.observability)
        .describe("Namespace of Prometheus, Alertmanager, Grafana, Loki, Jaeger and the OTel Collector."),
    logging: dnsLabel
        .default(defaultNamespaces.logging)
        .describe(
            'Namespace of the log shipper only: its read-only hostPath needs Pod Security "privileged" here (audit and warn stay "restricted").',
        ),
    // One quota for all three namespaces; its keys have no defaults of their own, so a stack that
    // sets the quota sets all of it.
    quota: z
        .strictObject({
            requestsCpu: quantity.describe("Sum of CPU requests allowed in the namespace (`requests.cpu`)."),
            requestsMemory: quantity.describe("Sum of memory requests allowed in the namespace (`requests.memory`)."),
            limitsCpu: quantity.describe("Sum of CPU limits allowed in the namespace (`limits.cpu`)."),
            limitsMemory: quantity.describe("Sum of memory limits allowed in the namespace (`limits.memory`)."),
            pods: z
                .number()
                .int()
                .min(10)
                .describe("Most pods in the namespace; leave room for a rollout's surge and the database jobs."),
        })
        .default({ requestsCpu: "20", requestsMemory: "40Gi", limitsCpu: "40", limitsMemory: "80Gi", pods: 200 })
        .describe("ResourceQuota `azora-quota` of each namespace (also caps LoadBalancer and NodePort Services at 0)."),
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
            enabled: z
                .boolean()
                .default(true)
                .describe("Create the backup CronJob and PVC for every service with a database."),
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
            storageClassName: z
                .string()
                .optional()
                .describe("StorageClass of the backup PVC; unset: the cluster default."),
        })
        .prefault({})
        .describe(
            "Nightly `pg_dump` of each service database: CronJob `<service>-db-backup` writing to PVC `<service>-db-backups`.",
        ),
});

export const edgeSchema = z.strictObject({
    domain: hostname.describe("The gateway is served at `api.<domain>`."),
    ingressClassName: z
        .string()
        .min(1)
        .default("nginx")
        .describe("`ingressClassName` of the gateway Ingress and of the ACME HTTP-01 solver."),
    ingressControllerNamespace: dnsLabel
        .default("ingress-nginx")
        .describe("Namespace of the ingress controller, the only peer allowed into the gateway."),
    tls: z
        .discriminatedUnion("issuer", [
            z.strictObject({
                issuer: z.literal("selfsigned").describe("`selfsigned`: a self-signed ClusterIssuer (local, dev)."),
            }),
            z.strictObject({
                issuer: z.literal("acme").describe("`acme`: Let's Encrypt or another ACME server, solved over HTTP-01."),
                email: z
                    .email("an e-mail address for the ACME account")
                    .describe("E-mail address of the ACME account; the ACME server sends expiry notices to it."),
                server: z
                    .url()
                    .default("https://acme-v02.api.letsencrypt.org/directory")
                    .describe("ACME directory URL; the staging stack uses Let's Encrypt's staging directory."),
            }),
            z.strictObject({
                issuer: z
                    .literal("external")
                    .describe(
                        "`external`: the certificate is provisioned outside this stack (a corporate PKI, a cert-manager owned by another team, or a cluster without cert-manager such as the e2e control plane); the stack creates no ClusterIssuer or Certificate.",
                    ),
                secretName: dnsLabel.describe("The existing TLS Secret in `namespaces.services` that the gateway Ingress serves."),
            }),
        ])
        .describe(
            "Where the gateway's certificate comes from: `selfsigned` and `acme` create ClusterIssuer `azora-<issuer>` and the Certificate and Secret `<gateway>-tls` (`api-gateway-tls`); `external` serves an existing Secret.",
        ),
    installCertManager: z
        .boolean()
        .default(false)
        .describe("Install cert-manager with @pulumi/kubernetes-cert-manager; off where the cluster has one."),
    certManagerChartVersion: z
        .string()
        .regex(/^v[0-9]+\.[0-9]+\.[0-9]+$/, "a cert-manager release such as v1.16.3")
        .default("v1.16.3")
        .describe("The cert-manager Helm chart release installed when installCertManager is on."),
    cors: z
        .strictObject({
            allowedOrigins: z
                .array(origin)
                .min(1)
                .describe("Origins allowed to call the API; also the gateway's `CORS_ALLOWED_ORIGINS`."),
            allowCredentials: z.boolean().default(true).describe("`Access-Control-Allow-Credentials`."),
            maxAgeSeconds: z
                .number()
                .int()
                .min(0)
                .max(86400)
                .default(600)
                .describe("How long browsers may cache a preflight answer."),
        })
        .describe("CORS answered by the ingress controller for the gateway."),
    rateLimit: z
        .strictObject({
            rps: z.number().int().min(1).max(10000).describe("Requests per second per client IP."),
            burstMultiplier: z
                .number()
                .int()
                .min(1)
                .max(20)
                .default(5)
                .describe("Burst allowed above `rps`, as a multiple of it."),
            connections: z.number().int().min(1).max(10000).describe("Concurrent connections per client IP."),
        })
        .describe("Per-client-IP limits at the ingress controller (ingress-nginx `limit-*` annotations)."),
    bodySizeLimit: z
        .string()
        .regex(/^[0-9]+[km]$/, "an nginx size such as 1m or 512k")
        .default("1m")
        .describe("Largest request body the ingress accepts (`proxy-body-size`)."),
    hstsMaxAgeSeconds: z
        .number()
        .int()
        .min(300)
        .default(31536000)
        .describe("`max-age` of the `Strict-Transport-Security` header (with `includeSubDomains`)."),
    contentSecurityPolicy: z
        .string()
        .min(1)
        .default("default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
        .describe("`Content-Security-Policy` header of every gateway response."),
});

const persistence = z
    .strictObject({
        enabled: z
            .boolean()
            .default(true)
            .describe("Keep the data on a PersistentVolumeClaim; `false` keeps it in the pod only (lost on restart)."),
        size: quantity.describe("Size of the PersistentVolumeClaim."),
        storageClassName: z
            .string()
            .optional()
            .describe("StorageClass of the PersistentVolumeClaim; unset: the cluster default."),
    })
    .describe("Storage of this component's data.");

export const observabilitySchema = z.strictObject({
    runbookBaseUrl: z
        .url()
        .default("https://github.com/azora-os/azora-platform/blob/main/docs/runbooks")
        .describe("Base of every alert's runbook_url; the runbooks live in docs/runbooks/<alert>.md."),
    prometheus: z
        .strictObject({
            replicas: z.number().int().min(1).max(3).default(1).describe("Prometheus replicas (each scrapes and evaluates every rule)."),
            retentionTime: duration.default("15d").describe("How long Prometheus keeps samples."),
            retentionSize: z
                .string()
                .regex(/^[0-9]+(MB|GB|TB)$/, "a size such as 40GB")
                .default("40GB")
                .describe("Disk size at which Prometheus drops its oldest blocks."),
            scrapeInterval: duration
                .default("30s")
                .describe("Scrape interval of every target, and the interval at which the rules are evaluated."),
            persistence,
            resources: resourceSpec
                .optional()
                .describe("Requests and limits of the Prometheus container; unset: the component's own sizing."),
        })
        .describe("Prometheus: scrapes the services and the stack, evaluates the generated alert and SLO rules."),
    alertmanager: z
        .strictObject({
            replicas: z.number().int().min(1).max(5).default(1).describe("Alertmanager replicas, clustered (they de-duplicate notifications)."),
            receiver: z
                .discriminatedUnion("type", [
                    z.strictObject({
                        type: z
                            .literal("none")
                            .describe(
                                "`none`: no notification is sent (local stacks); the Watchdog still reaches `deadMansSwitchUrl` when it is set.",
                            ),
                    }),
                    z.strictObject({
                        type: z.literal("slack").describe("`slack`: notifications are posted to `channel`."),
                        channel: z
                            .string()
                            .regex(/^#[a-z0-9_-]+$/, "a Slack channel such as #azora-alerts")
                            .describe("Slack channel of every notification."),
                        criticalChannel: z
                            .string()
                            .regex(/^#[a-z0-9_-]+$/, "a Slack channel")
                            .optional()
                            .describe("Slack channel for critical alerts; unset: `channel`."),
                        existingSecret: z
                            .string()
                            .min(1)
                            .optional()
                            .describe("Existing Secret with key `url`; used when secrets.slackWebhookUrl is not set."),
                    }),
                ])
                .describe("Where alerts go: slack (webhook from secret) or none (local stacks)."),
            deadMansSwitchUrl: z
                .url()
                .optional()
                .describe(
                    "URL the always-firing `Watchdog` alert is sent to, so an external heartbeat notices when alerting stops.",
                ),
        })
        .describe("Alertmanager: groups, inhibits and routes the alerts."),
    grafana: z
        .strictObject({
            replicas: z
                .literal(1, "exactly 1: Grafana's SQLite database cannot be shared between replicas")
                .default(1)
                .describe("Grafana keeps its state in SQLite on one volume, so it runs as exactly one replica."),
            persistence,
        })
        .describe("Grafana with the Prometheus, Loki and Jaeger datasources and the generated dashboards."),
    loki: z
        .strictObject({
            retention: z
                .string()
                .regex(/^[0-9]+h$/, "hours, such as 168h")
                .default("168h")
                .describe("How long Loki keeps logs."),
            persistence,
        })
        .describe("Loki: stores the container logs the log-shipper DaemonSet sends."),
    jaeger: z
        .strictObject({
            storage: z
                .enum(["memory", "badger"])
                .default("badger")
                .describe("memory: traces are lost on restart; badger: persisted to a volume."),
            maxTraces: z
                .number()
                .int()
                .min(1000)
                .default(50000)
                .describe("Most traces the in-memory store keeps (`storage: memory`); Badger is bounded by its span TTL instead."),
            persistence,
        })
        .describe("Jaeger: stores and searches traces."),
    otelCollector: z
        .strictObject({
            replicas: z.number().int().min(1).max(10).default(1).describe("OpenTelemetry Collector replicas."),
            samplingPercentage: z
                .number()
                .min(0)
                .max(100)
                .default(10)
                .describe("Percentage of traces kept by the Collector's sampler."),
        })
        .describe(
            "OpenTelemetry Collector: receives the services' spans over OTLP (`OTEL_EXPORTER_OTLP_ENDPOINT`) and samples them.",
        ),
});

export const accessSchema = z.strictObject({
    deployerGroups: z
        .array(z.string().min(1))
        .default(["azora-deployers"])
        .describe("Groups bound to the namespaced deployer role (rollouts, scaling; no secrets, no exec)."),
    viewerGroups: z
        .array(z.string().min(1))
        .default(["azora-viewers"])
        .describe("Groups bound to the read-only viewer role (no secrets)."),
});

export const platformSchema = z.strictObject({
    environment: z
        .enum(environments)
        .describe(
            "Environment name: the `azora.io/environment` label of every object, the services' `AZORA_ENVIRONMENT` and their OpenTelemetry `deployment.environment`.",
        ),
    kubernetes: kubernetesSchema.describe("Which cluster the stack targets (or that it only renders manifests)."),
    namespaces: namespacesSchema
        .prefault({})
        .describe(
            'The three namespaces the platform creates, each default-deny (DNS aside), quota- and limit-bounded, with the access roles; Pod Security "restricted" is enforced in all but the logging namespace.',
        ),
    images: imagesSchema.describe("Where the service images come from and how they are pinned."),
    workloads: workloadsSchema.describe(
        "How every service runs: autoscaling bounds, rollout timing, logging, feature flags and per-service overrides.",
    ),
    secrets: secretsSchema.prefault({}).describe("Platform-generated secrets and third-party credentials."),
    database: databaseSchema.describe(
        "The shared PostgreSQL cluster the services with a catalog `database` use, their migration Jobs and backups.",
    ),
    edge: edgeSchema.describe(
        "The public edge: the gateway Ingress, its TLS certificate, CORS, rate limits and response headers.",
    ),
    observability: observabilitySchema.describe(
        "The observability stack in `namespaces.observability`, and its log shipper in `namespaces.logging`.",
    ),
    access: accessSchema
        .prefault({})
        .describe(
            "Who may operate the namespaces: groups bound to the Roles `azora-deployer` and `azora-viewer` in each of the three namespaces.",
        ),
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
