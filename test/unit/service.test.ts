import { beforeAll, describe, expect, it } from "vitest";
import { array, isSecret, list, named, type Obj, ofType, recordResources, type Registered, reveal, settle, text } from "./harness";
import { catalog, findService } from "../../model/catalog";
import { parsePlatformConfig, PlatformSettings } from "../../components/config";
import type { NetworkContext } from "../../components/services/network";
import { migrationJobName, releaseLabel } from "../../components/services/database-jobs";
import { AzoraService } from "../../components/services/service";
import { serviceWorkload } from "../../components/services/sizing";
import { generatedSecretKeys } from "../../components/services/service-env";
import { memoryBytes } from "../../model/quantity";
import { readStackConfig } from "./stack-files";
import { jobRoleLabel } from "../../model/cluster-metrics";
import { previousKey, secretFileEnvName } from "../../model/secrets";


const registered = recordResources();
let resources: Registered[] = [];
let settings: PlatformSettings;

const K = {
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    sa: "kubernetes:core/v1:ServiceAccount",
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
};

function network(s: PlatformSettings): NetworkContext {
    return {
        services: catalog,
        namespace: s.namespaces.services,
        observabilityNamespace: s.namespaces.observability,
        edgeProxyNamespace: s.edge.proxyNamespace,
        databaseCidrs: s.database.egressCidrs,
        databasePort: s.database.port,
        apiServerCidrs: s.kubernetes.apiServerCidrs,
    };
}

function build(s: PlatformSettings, rotation = s.secrets.rotation) {
    for (const spec of catalog) {
        const w = serviceWorkload(spec, s.workloads);
        new AzoraService(spec.name, {
            spec,
            network: network(s),
            environment: s.environment,
            image: `ghcr.io/azora-os/${spec.name}:1.4.2`,
            version: "1.4.2",
            imagePullPolicy: "IfNotPresent",
            replicas: w.replicas,
            resources: w.resources,
            autoscaling: s.workloads,
            topologySpread: s.workloads.topologySpread.whenUnsatisfiable,
            terminationGracePeriodSeconds: s.workloads.terminationGracePeriodSeconds,
            preStopSleepSeconds: s.workloads.preStopSleepSeconds,
            env: {
                logLevel: s.workloads.logLevel,
                featureFlags: w.featureFlags,
                env: w.env,
                otlpEndpoint: "http://otel-collector.azora-observability.svc.cluster.local:4317",
                corsAllowedOrigins: s.edge.cors.allowedOrigins,
            },
            rotation,
            externalSecretValues: s.secrets.externalValues[spec.name] ?? {},
            database: spec.database ? s.database : undefined,
        });
    }
}

beforeAll(async () => {
    settings = parsePlatformConfig("local", readStackConfig("local"), catalog);
    build(settings);
    await settle(registered);
    resources = [...registered];
});

const deploymentOf = (name: string): Obj => named(resources, K.deployment, name).inputs;
const podOf = (name: string): Obj => deploymentOf(name).spec.template.spec;

describe.each(catalog.map((s) => s.name))("service %s", (name) => {
    const spec = findService(catalog, name);

    it("runs as a fixed non-root UID with seccomp RuntimeDefault", () => {
        const pod = podOf(name);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
    });

    it("has a read-only root filesystem, no privilege escalation and no capabilities", () => {
        const c = podOf(name).containers[0];
        expect(c.securityContext).toMatchObject({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
        });
        expect(podOf(name).volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "64Mi" } });
    });

    it("sets requests and limits from the catalog, the /tmp emptyDir added to the ephemeral-storage limit", () => {
        const { requests, limits } = spec.resources;
        const tmp = memoryBytes(text(array(podOf(name).volumes).find((v) => text(v.name) === "tmp")?.emptyDir.sizeLimit));
        expect(podOf(name).containers[0].resources).toEqual({
            requests: { cpu: requests.cpu, memory: requests.memory, "ephemeral-storage": requests.ephemeralStorage },
            limits: {
                cpu: limits.cpu,
                memory: limits.memory,
                "ephemeral-storage": `${(memoryBytes(limits.ephemeralStorage) + tmp) / 2 ** 20}Mi`,
            },
        });
    });

    it("has liveness, readiness and startup probes on the catalog's health paths", () => {
        const c = podOf(name).containers[0];
        expect(c.livenessProbe.httpGet.path).toBe(spec.health.liveness);
        expect(c.readinessProbe.httpGet.path).toBe(spec.health.readiness);
        expect(c.startupProbe.httpGet.path).toBe(spec.health.startup);
    });

    it("rolls out with zero unavailable pods and drains gracefully", () => {
        const d = deploymentOf(name);
        expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
        expect(d.spec.replicas).toBeUndefined();
        expect(podOf(name).terminationGracePeriodSeconds).toBe(settings.workloads.terminationGracePeriodSeconds);
        expect(podOf(name).containers[0].lifecycle.preStop.sleep.seconds).toBe(settings.workloads.preStopSleepSeconds);
    });

    it("spreads replicas across zones and nodes", () => {
        const keys = array(podOf(name).topologySpreadConstraints).map((t) => t.topologyKey);
        expect(keys).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    });

    it("uses its own service account with token automount off", () => {
        expect(named(resources, K.sa, name).inputs.automountServiceAccountToken).toBe(false);
        expect(podOf(name).serviceAccountName).toBe(name);
        expect(podOf(name).automountServiceAccountToken).toBe(false);
    });

    it("sizes the Node.js heap to three quarters of its memory limit", () => {
        const limitMiB = memoryBytes(text(podOf(name).containers[0].resources.limits.memory)) / 2 ** 20;
        const data = named(resources, K.configMap, `${name}-config`).inputs.data;
        expect(data.NODE_OPTIONS).toBe(`--enable-source-maps --max-old-space-size=${Math.floor(limitMiB * 0.75)}`);
    });

    it("carries a config checksum so config or secret changes roll the pods", () => {
        expect(deploymentOf(name).spec.template.metadata.annotations["azora.io/config-checksum"]).toMatch(/^[a-f0-9]{64}$/);
    });

    it("reads every secret from a read-only mounted file that <KEY>_FILE names, none from the environment", () => {
        const c = podOf(name).containers[0];
        const env = array(c.env);
        const keys = [...generatedSecretKeys(spec), ...spec.externalSecrets];
        for (const key of keys) {
            const file = text(env.find((e) => text(e.name) === `${key}_FILE`)?.value);
            const mount = array(c.volumeMounts).find((m) => file.startsWith(`${text(m.mountPath)}/`));
            expect(mount?.readOnly, key).toBe(true);
            const volume = array(podOf(name).volumes).find((v) => text(v.name) === text(mount?.name));
            expect(volume?.secret.defaultMode, key).toBe(0o440);
            expect(array(volume?.secret.items), key).toContainEqual({ key, path: file.slice(text(mount?.mountPath).length + 1) });
            expect(env.find((e) => text(e.name) === key), key).toBeUndefined();
        }
        expect(env.filter((e) => e.valueFrom?.secretKeyRef)).toEqual([]);
        expect(array(c.envFrom).filter((e) => e.secretRef)).toEqual([]);
    });

    it("has an HPA on CPU and memory whose minimum the PDB never blocks", () => {
        const hpa = named(resources, K.hpa, name).inputs;
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name });
        expect(hpa.spec.minReplicas).toBe(settings.workloads.replicas.min);
        expect(array(hpa.spec.metrics).map((m) => m.resource.name)).toEqual(["cpu", "memory"]);
        expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(settings.workloads.scaleDownStabilizationSeconds);
        const pdb = named(resources, K.pdb, name).inputs;
        expect(pdb.spec.maxUnavailable).toBe(1);
        expect(pdb.spec.selector.matchLabels).toEqual(deploymentOf(name).spec.selector.matchLabels);
    });

    it("exposes only a ClusterIP Service", () => {
        expect(named(resources, K.service, name).inputs.spec.type).toBe("ClusterIP");
    });

    it("admits ingress only from declared callers, Prometheus and (for the gateway) the ingress controller", () => {
        const np = named(resources, K.netpol, name).inputs;
        const callers = catalog.filter((c) => (c.calls as string[]).includes(name)).map((c) => c.name);
        const podPeers = array(np.spec.ingress)
            .flatMap((r) => array(r.from))
            .filter((p) => p.podSelector && !p.namespaceSelector)
            .map((p) => text(p.podSelector.matchLabels["app.kubernetes.io/name"]));
        expect(podPeers.sort()).toEqual(callers.sort());
        const nsPeers = array(np.spec.ingress).flatMap((r) => array(r.from)).filter((p) => p.namespaceSelector);
        const namespaces = nsPeers.map((p) => text(p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]));
        expect(namespaces).toContain("azora-observability");
        expect(namespaces.includes("envoy-gateway-system")).toBe(spec.public);
    });

    it("may call only its declared dependencies, the OTLP collector and declared externals", () => {
        const np = named(resources, K.netpol, name).inputs;
        const podPeers = array(np.spec.egress)
            .flatMap((r) => list(r.to))
            .filter((p) => p.podSelector && !p.namespaceSelector)
            .map((p) => text(p.podSelector.matchLabels["app.kubernetes.io/name"]));
        expect(podPeers.sort()).toEqual([...spec.calls].sort());
        const internet = array(np.spec.egress).filter((r) => array(r.to).some((p) => text(p.ipBlock?.cidr) === "0.0.0.0/0"));
        expect(internet.length).toBe(spec.externalEndpoints.length > 0 ? 1 : 0);
    });

    it(spec.database ? "migrates before rolling and backs up on schedule" : "has no database jobs", () => {
        const jobs = ofType(resources, K.job).filter((j) => j.name === `${name}-migrate`);
        const cron = ofType(resources, K.cronJob).filter((j) => j.name === `${name}-db-backup`);
        expect(jobs.length).toBe(spec.database ? 1 : 0);
        expect(cron.length).toBe(spec.database && settings.database.backup.enabled ? 1 : 0);
        expect(ofType(resources, K.job).filter((j) => j.name === `${name}-release-backup`).length).toBe(cron.length);
        if (spec.database) {
            const job = jobs[0].inputs;
            expect(job.metadata.name).toMatch(new RegExp(`^${name}-migrate-[a-f0-9]{10}$`));
            expect(job.spec.ttlSecondsAfterFinished).toBe(settings.database.migrationJobTtlSeconds);
            expect(job.spec.template.spec.containers[0].command).toEqual(spec.database.migrateCommand);
            expect(cron[0].inputs.spec.schedule).toBe(settings.database.backup.schedule);
        }
    });
});

describe("the migration Job's name", () => {
    const template = { spec: { containers: [{ name: "migrate", image: "ghcr.io/azora-os/azora-mint:1.4.2", command: ["npm", "run", "migrate"] }] } };

    it("is stable while the pod template is", () => {
        expect(migrationJobName("azora-mint", template)).toBe(migrationJobName("azora-mint", structuredClone(template)));
    });

    it("changes with the image, so each release migrates once", () => {
        const next = structuredClone(template);
        next.spec.containers[0].image = "ghcr.io/azora-os/azora-mint:1.4.3";
        expect(migrationJobName("azora-mint", next)).not.toBe(migrationJobName("azora-mint", template));
    });

    it("changes with any other part of the template, which a Job cannot take in place", () => {
        const next = structuredClone(template);
        next.spec.containers[0].command = ["npm", "run", "migrate:latest"];
        expect(migrationJobName("azora-mint", next)).not.toBe(migrationJobName("azora-mint", template));
    });
});

describe("platform-wide service properties", () => {
    it("grants Kubernetes API access only to services that declare it, read-only, via a projected token", () => {
        const roles = ofType(resources, K.role).map((r) => r.name);
        expect(roles).toEqual(catalog.filter((s) => s.kubernetesApi).map((s) => `${s.name}-reader`));
        const pod = podOf("health-monitor");
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(array(pod.volumes).find((v) => text(v.name) === "kube-api-access")?.projected.sources[0].serviceAccountToken.expirationSeconds).toBe(3600);
        const rules = named(resources, K.role, "health-monitor-reader").inputs.rules;
        expect(rules[0].verbs).toEqual(["get", "list", "watch"]);
    });

    it("puts no secret value in any ConfigMap", () => {
        for (const cm of ofType(resources, K.configMap)) {
            for (const key of Object.keys(cm.inputs.data)) {
                expect(key).not.toMatch(/PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE_KEY/);
            }
        }
    });

    it("generates each service's secrets into its own Secret, kept as Pulumi secrets", () => {
        for (const spec of catalog) {
            const stringData = named(resources, K.secret, `${spec.name}-secrets`).inputs.stringData;
            expect(isSecret(stringData)).toBe(true);
            const data = reveal<Obj>(stringData);
            for (const g of spec.generatedSecrets) expect(data[g.key]).toBeTruthy();
            if (spec.database) expect(data.DATABASE_URL).toMatch(/^postgres:\/\/.+sslmode=require$/);
        }
    });

    it("gives each signing or encryption key its previous value beside it, mounted as a file like the current one", () => {
        for (const spec of catalog) {
            const data = reveal<Obj>(named(resources, K.secret, `${spec.name}-secrets`).inputs.stringData);
            const env = array(podOf(spec.name).containers[0].env).map((e) => text(e.name));
            for (const g of spec.generatedSecrets.filter((x) => x.keepPrevious)) {
                expect(data[previousKey(g.key)], `${spec.name} ${g.key}`).toBeTruthy();
                expect(env).toContain(secretFileEnvName(previousKey(g.key)));
            }
            for (const g of spec.generatedSecrets.filter((x) => !x.keepPrevious)) expect(data[previousKey(g.key)]).toBeUndefined();
        }
    });

    it("tells each service where its dependencies are", () => {
        const data = named(resources, K.configMap, "azora-pay-config").inputs.data;
        expect(data.AUTH_SERVICE_URL).toBe("http://auth-service.azora.svc.cluster.local:4001");
        expect(data.AZORA_MINT_URL).toBe("http://azora-mint.azora.svc.cluster.local:4006");
        expect(data.FEATURE_NEW_CHECKOUT).toBe("true");
    });

    it("mounts third-party credentials from the operators' Secret when config sets none", () => {
        const env = array(podOf("azora-pay").containers[0].env);
        expect(env.find((e) => text(e.name) === "PAYMENT_PROVIDER_API_KEY_FILE")?.value).toBe(
            "/var/run/secrets/azora/azora-pay-external/PAYMENT_PROVIDER_API_KEY",
        );
        const volume = array(podOf("azora-pay").volumes).find((v) => text(v.name) === "azora-pay-external");
        expect(volume?.secret).toEqual({
            secretName: "azora-pay-external",
            items: [{ key: "PAYMENT_PROVIDER_API_KEY", path: "PAYMENT_PROVIDER_API_KEY" }],
            defaultMode: 0o440,
        });
    });

    it("backs the database up for each release under the migration's release id, as the scheduled backup does", () => {
        const migrate = ofType(resources, K.job).find((j) => j.name === "azora-pay-migrate")?.inputs;
        const backup = ofType(resources, K.job).find((j) => j.name === "azora-pay-release-backup")?.inputs;
        const release = text(migrate?.metadata.name).replace("azora-pay-migrate-", "");
        expect(backup?.metadata.name).toMatch(new RegExp(`^azora-pay-backup-${release}-[0-9a-f]{5}$`));
        expect(backup?.metadata.labels[releaseLabel]).toBe(release);
        expect(migrate?.metadata.labels[releaseLabel]).toBe(release);
        expect(backup?.metadata.labels[jobRoleLabel]).toBe("backup");
        const scheduled = named(resources, K.cronJob, "azora-pay-db-backup").inputs.spec.jobTemplate.spec;
        expect(backup?.spec.template).toEqual(scheduled.template);
        expect(backup?.spec.ttlSecondsAfterFinished).toBe(migrate?.spec.ttlSecondsAfterFinished);
    });

    it("labels the migration Job, the backup CronJob and the backup Jobs it creates with their role, for the Job alerts", () => {
        const migrate = ofType(resources, K.job).find((j) => j.name === "azora-pay-migrate")?.inputs;
        expect(migrate?.metadata.labels[jobRoleLabel]).toBe("migration");
        expect(migrate?.spec.template.metadata.labels[jobRoleLabel]).toBeUndefined();
        const backup = named(resources, K.cronJob, "azora-pay-db-backup").inputs;
        expect(backup.metadata.labels[jobRoleLabel]).toBe("backup");
        expect(backup.spec.jobTemplate.metadata.labels[jobRoleLabel]).toBe("backup");
    });

    it("gives the migration Job the service's secret files and the backup only the password file, read by its script", () => {
        const migrate = ofType(resources, K.job).find((j) => j.name === "azora-pay-migrate")?.inputs.spec.template.spec;
        const service = podOf("azora-pay");
        expect(array(migrate?.containers[0].env)).toEqual(array(service.containers[0].env).filter((e) => text(e.name).endsWith("_FILE")));
        const backup = named(resources, K.cronJob, "azora-pay-db-backup").inputs.spec.jobTemplate.spec.template.spec;
        const c = backup.containers[0];
        expect(array(c.env).find((e) => text(e.name) === "DATABASE_PASSWORD_FILE")?.value).toBe(
            "/var/run/secrets/azora/azora-pay-secrets/DATABASE_PASSWORD",
        );
        expect(array(c.env).map((e) => text(e.name))).not.toContain("PGPASSWORD");
        expect(text(c.command[2])).toContain('PGPASSWORD="$(cat "$DATABASE_PASSWORD_FILE")"');
        const volume = array(backup.volumes).find((v) => v.secret);
        expect(volume?.secret.items).toEqual([{ key: "DATABASE_PASSWORD", path: "DATABASE_PASSWORD" }]);
    });
});
