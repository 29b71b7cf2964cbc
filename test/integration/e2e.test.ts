// The e2e stack through the real engine into a real Kubernetes API server (scripts/cluster.sh:
// kube-apiserver, controller-manager, scheduler and etcd on loopback; kwok fakes the nodes and marks
// pods Ready and Job pods Succeeded). The tests share one cluster and one stack and run in order:
// each starts from the state the previous one left, as an operator's successive `pulumi` runs would.
import { spawn } from "child_process";
import { createHmac, timingSafeEqual, X509Certificate } from "crypto";
import { createServer } from "http";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { catalog, publicService } from "../../model/catalog";
import { parsePlatformConfig } from "../../components/config";
import { readStackConfig } from "../unit/stack-files";
import { expectTranslated, references, translate } from "../envoy-translation";
import { envoyProxyScrape } from "../../model/edge-metrics";
import { jobRoleLabel, jobRoles, kubeStateMetricsLabel } from "../../model/cluster-metrics";
import { labelKeys } from "../../model/labels";
import { previousKey } from "../../model/secrets";
import { releaseLabel } from "../../components/services/database-jobs";
import { defaultNamespaces } from "../../model/namespaces";
import { clusterExporters, observabilityWorkloads as stackWorkloads } from "../../model/workloads";
import { Cluster, condition, KubeObject, matches, selectorString, startFreshCluster } from "./cluster";
import { exporterScrapeTargets, serviceScrapeTargets, stackScrapeTargets } from "../../components/observability/prometheus-config";
import { pinned } from "../binaries";
import {
    alertmanagerTargets,
    argValue,
    discoverThroughKubeconfig,
    layOutPod,
    listenOnLoopback,
    rewriteScrapeConfigs,
} from "../live/loopback";
import { eventually, freePort, start } from "../live/processes";
import { serviceAccountDir, serviceAccountFiles } from "../live/service-account";

/** The fields of a Kubernetes audit event (audit.k8s.io/v1) the audit test reads. */
interface AuditEvent {
    level: string;
    verb: string;
    objectRef?: { resource?: string; namespace?: string; name?: string };
    responseStatus?: { code?: number };
    annotations?: Record<string, string>;
    requestObject?: unknown;
}
import { createWorkspace, deployParallelism, type Manifest, pulumiEnv, repoRoot, runCommand, RunResult, Workspace } from "./harness";

const stack = "e2e";
const passphrase = "azora-e2e";
const ourNamespaces = ["azora", "azora-observability", "azora-logging"];
const managed = "app.kubernetes.io/managed-by=pulumi";
const withDatabase = catalog.filter((s) => s.database).map((s) => s.name);
// Everything the stack makes: 259, plus the admission component and its 37 policies with their bindings
// (75), the edge's Gateway API and Envoy Gateway objects beyond the old Ingress and its ConfigMap (+13), the ConfigMaps of the two cluster dashboards (2), the cluster exporters (16: kube-state-metrics
// and the node exporter with their components, accounts, RBAC, Services, NetworkPolicies, PDB and HPA),
// each database's backup Job of the release (6), and the second slot of each signing or encryption key
// that keeps its previous value (15: keyWindow in components/services/service-secrets.ts).
const resourceCount = 391;

let cluster: Cluster;
let ws: Workspace;
const timings: [string, number][] = [];

async function pulumi(args: string[], label?: string, env: Record<string, string> = {}): Promise<RunResult> {
    const started = Date.now();
    const r = await ws.run([...args, "--stack", stack], { passphrase, env: { KUBECONFIG: cluster.kubeconfig, ...env } });
    if (label) timings.push([label, (Date.now() - started) / 1000]);
    return r;
}
/** As every stack deploys (scripts/lib/workspace.ts): more resource operations at once than the engine's default. */
const parallel = ["--parallel", String(deployParallelism)];
const up = (label?: string) => pulumi(["up", "--yes", "--skip-preview", "--suppress-progress", "--suppress-outputs", ...parallel], label);

const ours = async (kind: string) =>
    (await cluster.list(kind, { selector: managed })).filter((o) => ourNamespaces.includes(o.metadata.namespace ?? ""));
const byName = (objs: KubeObject[]) => new Map(objs.map((o) => [o.metadata.name, o]));
const image = (o: KubeObject) => o.spec?.template?.spec?.containers?.[0]?.image;
const templateChecksum = (d: KubeObject) => d.spec?.template?.metadata?.annotations?.["azora.io/config-checksum"];
/** The Gateway API and Envoy Gateway kinds of the edge's namespaced objects. */
const edgeKinds = [
    "gateways.gateway.networking.k8s.io",
    "httproutes.gateway.networking.k8s.io",
    "clienttrafficpolicies.gateway.envoyproxy.io",
    "backendtrafficpolicies.gateway.envoyproxy.io",
    "securitypolicies.gateway.envoyproxy.io",
    "envoyproxies.gateway.envoyproxy.io",
].join(",");
const migrationJobs = async () => (await ours("jobs")).filter((j) => /-migrate-[0-9a-f]{10}$/.test(j.metadata.name));
const jobOf = (jobs: KubeObject[], service: string) => jobs.filter((j) => j.metadata.name.startsWith(`${service}-migrate-`));
/** The backup Job of the release whose migration is `migration` (the same release label, the backup role). */
const releaseBackupOf = async (migration: KubeObject) => {
    const release = migration.metadata.labels?.[releaseLabel];
    return (await ours("jobs")).find((j) => j.metadata.labels?.[releaseLabel] === release && j.metadata.labels?.[jobRoleLabel] === jobRoles.backup);
};

/** A Deployment whose newest ReplicaSet is fully rolled out and available. */
function rolledOut(d: KubeObject): boolean {
    const s = d.status ?? {};
    return (
        s.observedGeneration === d.metadata.generation &&
        condition(d, "Available")?.status === "True" &&
        condition(d, "Progressing")?.reason === "NewReplicaSetAvailable" &&
        (s.updatedReplicas ?? 0) >= 1 &&
        s.availableReplicas === s.replicas
    );
}

function expectApplied(r: RunResult) {
    expect(r.code, r.output).toBe(0);
    expect(r.output).not.toMatch(/\bfailed\b/);
}

beforeAll(async () => {
    cluster = await startFreshCluster();
    timings.push(["cluster start (scripts/cluster.sh up, new cluster)", cluster.startSeconds]);
    ws = createWorkspace("azora-e2e-");
    await ws.initStack(stack, passphrase);
});

afterAll(async () => {
    console.log(`e2e timings (s): ${timings.map(([k, v]) => `${k} ${v.toFixed(1)}`).join("; ")}`);
    ws?.dispose();
    if (cluster && process.env.AZORA_E2E_KEEP_CLUSTER !== "1") await cluster.stop();
});

describe("e2e stack against a real API server", () => {
    it("previews against the cluster with the policy pack and 0 violations", async () => {
        const r = await pulumi(["preview", "--policy-pack", "policies", "--policy-pack-config", "policies/config/e2e.json"]);
        expect(r.code, r.output).toBe(0);
        expect(r.output).not.toMatch(/mandatory|advisory/i);
    });

    it("up converges: every Deployment, StatefulSet and DaemonSet rolls out", async () => {
        const r = await up(`first up (${resourceCount} resources)`);
        expectApplied(r);
        expect(r.output).toMatch(new RegExp(`\\+ ${resourceCount} created`));

        // The HPAs may raise a Deployment to their minimum right after its rollout was awaited, so the
        // new replicas are given a moment to become available before the snapshot is judged.
        let deployments = await ours("deployments");
        const deadline = Date.now() + 60_000;
        while (!deployments.every(rolledOut) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 2000));
            deployments = await ours("deployments");
        }
        expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
            [...catalog.map((s) => s.name), stackWorkloads.otelCollector.name, clusterExporters.kubeStateMetrics.name].sort(),
        );
        for (const d of deployments) expect(rolledOut(d), `${d.metadata.name}: ${JSON.stringify(d.status)}`).toBe(true);
        const statefulSets = await ours("statefulsets");
        expect(statefulSets.map((s) => s.metadata.name).sort()).toEqual(["alertmanager", "grafana", "jaeger", "loki", "prometheus"]);
        for (const s of statefulSets) expect(s.status?.readyReplicas, s.metadata.name).toBe(s.spec?.replicas);
        // One pod per fake node (three zones) for each node agent.
        const daemonSets = await ours("daemonsets");
        expect(daemonSets.map((d) => d.metadata.name).sort()).toEqual([stackWorkloads.logShipper.name, clusterExporters.nodeExporter.name].sort());
        for (const d of daemonSets) {
            expect(d.status?.numberReady, d.metadata.name).toBe(3);
            expect(d.status?.desiredNumberScheduled, d.metadata.name).toBe(3);
        }
    });

    it("runs each migration Job to completion before its Deployment is created", async () => {
        const jobs = await migrationJobs();
        const deployments = byName(await ours("deployments"));
        expect(jobs).toHaveLength(withDatabase.length);
        for (const service of withDatabase) {
            const [job] = jobOf(jobs, service);
            expect(condition(job, "Complete")?.status, job.metadata.name).toBe("True");
            const created = Date.parse(deployments.get(service)!.metadata.creationTimestamp);
            expect(Date.parse(job.status!.completionTime!), service).toBeLessThanOrEqual(created);
        }
    });

    it("backs each database up for the release, to completion, before its migration Job is created", async () => {
        for (const service of withDatabase) {
            const [migration] = jobOf(await migrationJobs(), service);
            const backup = await releaseBackupOf(migration);
            expect(backup, `${service}: no backup Job of release ${migration.metadata.name}`).toBeDefined();
            expect(condition(backup!, "Complete")?.status, backup!.metadata.name).toBe("True");
            expect(backup!.metadata.labels?.[jobRoleLabel]).toBe(jobRoles.backup);
            expect(Date.parse(backup!.status!.completionTime!), service).toBeLessThanOrEqual(Date.parse(migration.metadata.creationTimestamp));
        }
    });

    it("points every HPA at its Deployment, which the controller scales to the HPA minimum", async () => {
        const hpas = await ours("horizontalpodautoscalers");
        const deploymentNames = (await ours("deployments")).map((d) => d.metadata.name);
        expect(hpas.map((h) => h.spec?.scaleTargetRef?.name).sort()).toEqual(deploymentNames.sort());
        // The HPA raises a Deployment created with the default single replica to its minimum within a sync
        // period or two (kwok reports 1m CPU per pod, so nothing scales further without the drill's load).
        const atMinimum = async () => {
            const deployments = byName(await ours("deployments"));
            return (await ours("horizontalpodautoscalers")).every((h) => {
                const d = deployments.get(h.spec!.scaleTargetRef!.name)!;
                return condition(h, "AbleToScale")?.status === "True" && d.status?.availableReplicas === h.spec?.minReplicas && rolledOut(d);
            });
        };
        const deadline = Date.now() + 120_000;
        while (!(await atMinimum()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2000));
        expect(await atMinimum(), JSON.stringify((await ours("horizontalpodautoscalers")).map((h) => [h.metadata.name, h.status]))).toBe(true);
    });

    // The scaling drill: metrics-server (scripts/cluster.sh) reads each pod's CPU from kwok, which reports
    // 1m unless the pod carries kwok.x-k8s.io/usage-cpu. Loading one service's pods scales its HPA out to
    // the maximum; unloading them scales it back after the stack's stabilisation window. Budgets and the
    // spread are watched throughout, the quota at the peak.
    it("scales one service out to its HPA maximum under CPU load and back after the stabilisation window, PDBs and spread holding", async () => {
        const service = "azora-pay";
        const hpa = async () => byName(await ours("horizontalpodautoscalers")).get(service)!;
        const declared = (await hpa()).spec as { minReplicas: number; maxReplicas: number };
        const [min, max] = [declared.minReplicas, declared.maxReplicas];
        const pods = async () =>
            (await cluster.list("pods", { namespace: "azora", selector: `${labelKeys.name}=${service}` })).filter(
                (p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp,
            );
        const load = (usage: string | null) =>
            cluster.kubectl([
                "annotate", "pods", "-n", "azora", "-l", `${labelKeys.name}=${service}`, "--overwrite",
                usage ? `kwok.x-k8s.io/usage-cpu=${usage}` : "kwok.x-k8s.io/usage-cpu-",
            ]);
        const zones = (await cluster.list("nodes")).map((n) => n.metadata.name);
        // Pods per zone, zones without one included: maxSkew 1 means these differ by at most one.
        const spread = (ps: KubeObject[]) => zones.map((z) => ps.filter((p) => nodeOf(p) === z).length);
        const timeline: string[] = [];
        const breaches: string[] = [];
        const started = Date.now();
        const sample = async (): Promise<number> => {
            const [h, ps] = [await hpa(), await pods()];
            breaches.push(...(await pdbsBelowDesired(["azora"], service)));
            const st = h.status as { currentReplicas?: number; desiredReplicas?: number } | undefined;
            timeline.push(`${((Date.now() - started) / 1000).toFixed(0)}s ${st?.currentReplicas}→${st?.desiredReplicas} (${ps.length} running)`);
            return ps.length;
        };
        const until = (what: string, ms: number, done: (running: number, h: KubeObject) => boolean) =>
            eventually(what, ms, async () => {
                const running = await sample();
                return done(running, await hpa()) ? true : undefined;
            });

        // 4× the CPU request on every pod of the service: far above the HPA's target.
        const request = catalog.find((s) => s.name === service)!.resources.requests.cpu;
        await load(`${parseInt(request, 10) * 4}m`);
        await until(`${service} scaled out to ${max}`, 180_000, (running) => running === max);
        const scaledOutAt = (Date.now() - started) / 1000;
        const peak = spread(await pods());
        expect(Math.max(...peak) - Math.min(...peak), `pods per zone at the peak: ${peak.join("/")}`).toBeLessThanOrEqual(1);
        const quota = (await cluster.list("resourcequotas", { namespace: "azora" }))[0].status as { hard: Record<string, string>; used: Record<string, string> };
        expect(Number(quota.used.pods)).toBeLessThanOrEqual(Number(quota.hard.pods));

        await load(null);
        const unloaded = Date.now();
        await until(`${service} back at ${min}`, 240_000, (running, h) => running === min && (h.status as { desiredReplicas?: number }).desiredReplicas === min);
        const backAfter = (Date.now() - unloaded) / 1000;
        timings.push([`scale out to ${max}`, scaledOutAt], [`scale back to ${min} after the load`, backAfter]);
        console.log(`scaling drill (${service}, replicas over time): ${timeline.join("; ")}`);
        expect(breaches).toEqual([]);
        const after = spread(await pods());
        expect(Math.max(...after), `pods per zone after: ${after.join("/")}`).toBeLessThanOrEqual(1);
        const stabilisation = (parse(readFileSync(path.join(ws.dir, `Pulumi.${stack}.yaml`), "utf8")) as {
            config: { "azora-platform:workloads": { scaleDownStabilizationSeconds: number } };
        }).config["azora-platform:workloads"].scaleDownStabilizationSeconds;
        expect(backAfter, "scaled back before the stabilisation window").toBeGreaterThanOrEqual(stabilisation);
    });

    it("binds every PersistentVolumeClaim", async () => {
        // StatefulSet claims come from volumeClaimTemplates, so they carry no managed-by label: list by namespace.
        const claims = (await cluster.list("persistentvolumeclaims")).filter((c) => ourNamespaces.includes(c.metadata.namespace ?? ""));
        expect(claims.length).toBeGreaterThanOrEqual(withDatabase.length);
        for (const c of claims) expect(c.status?.phase, c.metadata.name).toBe("Bound");
    });

    it("routes every Service to ready endpoints", async () => {
        for (const svc of await ours("services")) {
            const ready = (await cluster.endpointSlices(svc.metadata.namespace!, svc.metadata.name))
                .flatMap((s) => s.endpoints ?? [])
                .filter((e) => e.conditions?.ready);
            expect(ready.length, `${svc.metadata.namespace}/${svc.metadata.name}`).toBeGreaterThan(0);
        }
    });

    it("discovers with Prometheus's own Kubernetes discovery and the deployed relabelling one target per pod of every scrape job", async () => {
        const obs = defaultNamespaces.observability;
        const get = async (kind: string, name: string) =>
            JSON.parse(await cluster.kubectl(["get", kind, name, "-n", obs, "-o", "json"])) as Manifest;
        // The deployed StatefulSet and the ConfigMaps it mounts, laid out as its pod sees them (test/live/loopback.ts);
        // discovery goes through the test's kubeconfig instead of the pod's ServiceAccount.
        const sts = await get("statefulset", stackWorkloads.prometheus.name);
        const volumes = (
            sts.spec as {
                template: {
                    spec: {
                        volumes: { configMap?: { name: string }; projected?: { sources: { configMap?: { name: string } }[] } }[];
                    };
                };
            }
        ).template.spec.volumes;
        const configMapNames = volumes
            .flatMap((v) => [v.configMap?.name, ...(v.projected?.sources ?? []).map((x) => x.configMap?.name)])
            .filter((n): n is string => !!n);
        const configMaps = await Promise.all(configMapNames.map((n) => get("configmap", n)));
        const prometheusYml =
            configMaps.flatMap((c) => Object.entries(c.data ?? {})).find(([k]) => k === "prometheus.yml")?.[1] ?? "";
        const alertmanagers = alertmanagerTargets(prometheusYml);
        // Two pods as Envoy Gateway runs a Gateway's proxies (no controller here): the platform Gateway's, and another
        // Gateway's in the same namespace, which the proxies' job must not scrape.
        const proxyNs = "envoy-gateway-system";
        const [firstNode] = (await cluster.list("nodes")).map((n) => n.metadata.name);
        const proxyPod = (name: string, gateway: string) => ({
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
                name,
                namespace: proxyNs,
                labels: {
                    [envoyProxyScrape.owningGatewayNameLabel]: gateway,
                    [envoyProxyScrape.owningGatewayNamespaceLabel]: defaultNamespaces.services,
                },
            },
            spec: {
                nodeName: firstNode,
                securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "envoy",
                        image: "docker.io/envoyproxy/envoy:distroless-v1.36.2",
                        ports: [{ name: "metrics", containerPort: envoyProxyScrape.port }],
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    },
                ],
            },
        });
        const proxiesFile = path.join(ws.dir, "proxy-pods.json");
        const items = [proxyPod("envoy-platform-e2e", publicService(catalog).name), proxyPod("envoy-other-e2e", "other-gateway")];
        writeFileSync(proxiesFile, JSON.stringify({ apiVersion: "v1", kind: "List", items }));
        await cluster.kubectl(["apply", "-f", proxiesFile]);
        await eventually("the proxy pods running", 60_000, async () => {
            const pods = await cluster.list("pods", { namespace: proxyNs });
            return pods.filter((p) => (p as { status?: { phase?: string } }).status?.phase === "Running").length === 2 || undefined;
        });
        const root = mkdtempSync(path.join(tmpdir(), "azora-e2e-sd-"));
        const [port, nobody] = [await freePort(), await freePort()];
        const pod = layOutPod(
            [sts, ...configMaps],
            stackWorkloads.prometheus.name,
            stackWorkloads.prometheus.name,
            root,
            { addresses: Object.fromEntries(alertmanagers.map((t) => [t, `127.0.0.1:${nobody}`])) },
            { [serviceAccountDir]: serviceAccountFiles(root) },
        );
        rewriteScrapeConfigs(argValue(pod.args, "--config.file"), (jobs) => discoverThroughKubeconfig(jobs, cluster.kubeconfig));
        const api = `http://127.0.0.1:${port}`;
        const prometheus = await start(
            "prometheus-sd",
            pinned("prometheus"),
            listenOnLoopback(pod.args, port),
            pod.env,
            root,
            `${api}/-/ready`,
        );
        try {
            // What each job must find: the pods behind its Service on its port, read from the EndpointSlices.
            const jobs = [
                ...serviceScrapeTargets(catalog, defaultNamespaces.services),
                ...stackScrapeTargets(obs, defaultNamespaces.logging),
                ...exporterScrapeTargets(obs, defaultNamespaces.logging),
            ];
            const expected = new Map<string, { namespace: string; service: string; pods: string[] }>();
            for (const j of jobs) {
                const slices = (await cluster.endpointSlices(j.namespace, j.service)).filter((x) =>
                    (x.ports ?? []).some((p) => p.port === j.port),
                );
                const pods = slices.flatMap((x) => (x.endpoints ?? []).map((e) => e.targetRef?.name ?? "")).sort();
                expected.set(j.job, { namespace: j.namespace, service: j.service, pods });
            }
            interface Target {
                labels: Record<string, string>;
            }
            const byJob = async () => {
                const body = (await (await fetch(`${api}/api/v1/targets?state=active`)).json()) as {
                    data: { activeTargets: Target[] };
                };
                const found = new Map<string, Target[]>();
                for (const t of body.data.activeTargets) found.set(t.labels.job, [...(found.get(t.labels.job) ?? []), t]);
                return found;
            };
            const nodes = (await cluster.list("nodes")).map((n) => n.metadata.name).sort();
            const complete = (found: Map<string, Target[]>) =>
                [...expected].every(([job, e]) => (found.get(job) ?? []).length === e.pods.length) &&
                (found.get(envoyProxyScrape.job) ?? []).length === 1 &&
                (found.get(clusterExporters.kubelet.name) ?? []).length ===
                    nodes.length * Object.keys(clusterExporters.kubelet.metricsPaths).length;
            let found = await byJob();
            const deadline = Date.now() + 60_000;
            while (!complete(found) && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 1000));
                found = await byJob();
            }
            for (const [job, e] of expected) {
                expect(e.pods.length, `${job}: pods behind ${e.namespace}/${e.service}`).toBeGreaterThan(0);
                const targets = found.get(job) ?? [];
                expect(targets.map((t) => t.labels.pod).sort(), job).toEqual(e.pods);
                for (const t of targets) expect(t.labels, job).toMatchObject({ job, namespace: e.namespace, service: e.service });
            }
            const node = clusterExporters.nodeExporter.name;
            expect((found.get(node) ?? []).map((t) => t.labels.instance).sort(), "node exporter instance = node").toEqual(nodes);
            const kubelet = found.get(clusterExporters.kubelet.name) ?? [];
            for (const path of Object.values(clusterExporters.kubelet.metricsPaths)) {
                expect(
                    kubelet
                        .filter((t) => t.labels.metrics_path === path)
                        .map((t) => t.labels.node)
                        .sort(),
                    `kubelet ${path}`,
                ).toEqual(nodes);
            }
            // The Gateway's proxies by their pods: only the platform Gateway's, on the stats port, in the proxy namespace.
            const proxies = (found.get(envoyProxyScrape.job) ?? []).map((t) => ({
                pod: t.labels.pod,
                namespace: t.labels.namespace,
                port: t.labels.instance.split(":")[1],
            }));
            expect(proxies).toEqual([{ pod: "envoy-platform-e2e", namespace: proxyNs, port: String(envoyProxyScrape.port) }]);
            console.log(`e2e discovery: ${[...found].map(([job, t]) => `${job} ${t.length}`).join(", ")}`);
        } finally {
            await prometheus.stop();
            await cluster.kubectl(["delete", "-f", proxiesFile, "--wait=false"]);
            rmSync(root, { recursive: true, force: true });
        }
    });

    it("selects with every NetworkPolicy the pods of the workloads it names, and at least one running pod", async () => {
        const templates = [
            ...(await ours("deployments")),
            ...(await ours("statefulsets")),
            ...(await ours("daemonsets")),
            ...(await ours("jobs")),
            ...(await ours("cronjobs")),
        ].map((w) => ({
            w,
            labels: (w.spec?.template ?? w.spec?.jobTemplate?.spec.template)?.metadata?.labels,
        }));
        const policies = await ours("networkpolicies");
        expect(policies.length).toBeGreaterThan(catalog.length);
        for (const np of policies) {
            const ns = np.metadata.namespace!;
            const sel = np.spec?.podSelector?.matchLabels;
            const selected = templates.filter((t) => t.w.metadata.namespace === ns && matches(sel, t.labels));
            expect(selected.length, `${ns}/${np.metadata.name} selects no workload`).toBeGreaterThan(0);
            const named = catalog.find((s) => s.name === np.metadata.name);
            if (named) expect(selected.map((t) => t.labels?.["app.kubernetes.io/name"])).toEqual([named.name]);
            const pods = await cluster.list("pods", { namespace: ns, selector: selectorString(sel) });
            expect(pods.length, `${ns}/${np.metadata.name} selects no pod`).toBeGreaterThan(0);
        }
    });

    it("gives every Deployment and StatefulSet a PDB that selects exactly its pods and allows an eviction", async () => {
        const pdbs = byName(await ours("poddisruptionbudgets"));
        const workloads = [...(await ours("deployments")), ...(await ours("statefulsets"))];
        for (const w of workloads) {
            const pdb = pdbs.get(w.metadata.name);
            if (!pdb) {
                expect(w.spec?.replicas, `${w.metadata.name} has several replicas and no PDB`).toBeLessThanOrEqual(1);
                continue;
            }
            const sel = selectorString(pdb.spec?.selector?.matchLabels);
            const pods = await cluster.list("pods", { namespace: w.metadata.namespace, selector: sel });
            const own = pods.filter((p) => matches(w.spec?.selector?.matchLabels, p.metadata.labels));
            expect(pods.length, `${w.metadata.name} PDB`).toBeGreaterThan(0);
            expect(own.length, `${w.metadata.name} PDB selects foreign pods`).toBe(pods.length);
            expect(pdb.status?.expectedPods, w.metadata.name).toBe(pods.length);
            expect(pdb.status?.disruptionsAllowed, `${w.metadata.name} PDB blocks eviction`).toBeGreaterThanOrEqual(1);
        }
    });

    it("creates every admission policy and its binding before the platform's namespaces", async () => {
        const policies = await cluster.list("validatingadmissionpolicies", { selector: managed });
        const bindings = await cluster.list("validatingadmissionpolicybindings", { selector: managed });
        expect(policies).toHaveLength(37);
        expect(bindings.map((b) => b.metadata.name).sort()).toEqual(policies.map((p) => p.metadata.name).sort());
        const namespaces = (await cluster.list("namespaces")).filter((n) => ourNamespaces.includes(n.metadata.name));
        const firstNamespace = Math.min(...namespaces.map((n) => Date.parse(n.metadata.creationTimestamp)));
        for (const o of [...policies, ...bindings])
            expect(Date.parse(o.metadata.creationTimestamp), o.metadata.name).toBeLessThanOrEqual(firstNamespace);
    });

    it("admits every object of the platform again under the admission policies (server-side dry run of each)", async () => {
        const started = Date.now();
        for (const namespace of ourNamespaces) {
            const kinds =
                "deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs,pods,services,roles,rolebindings,ingresses";
            const objects = JSON.parse(await cluster.kubectl(["get", kinds, "-n", namespace, "-o", "json"])) as {
                items: { metadata: Record<string, unknown> }[];
            };
            // Unconditional updates: a controller's status write between the read and the replace is no conflict.
            for (const o of objects.items) delete o.metadata.resourceVersion;
            const file = path.join(ws.dir, `replace-${namespace}.json`);
            writeFileSync(file, JSON.stringify(objects));
            const out = await cluster.kubectl(["replace", "--dry-run=server", "-f", file]);
            expect(out.match(/replaced \(server dry run\)/g) ?? [], namespace).toHaveLength(objects.items.length);
        }
        timings.push(["dry-run replace of every platform object", (Date.now() - started) / 1000]);
    });

    it("refuses kubectl apply of a pod with host networking in the logging namespace, whose Pod Security level is privileged, naming the rule", async () => {
        const { logging } = defaultNamespaces;
        const refusal = await refused("unsafe-host-network", {
            kind: "Pod",
            namespace: logging,
            spec: { ...(await compliantPodSpec(logging)), hostNetwork: true },
        });
        expect(refusal).toMatch(
            new RegExp(`azora-pss-no-host-namespaces: Pod ${logging}/unsafe-host-network: the pod sets hostNetwork`),
        );
    });

    it("refuses kubectl apply of a restricted-compliant pod with the latest tag in the services namespace, naming the rule", async () => {
        const { services } = defaultNamespaces;
        const spec = await compliantPodSpec(services);
        spec.containers[0].image = spec.containers[0].image.replace(/:[^/]+$/, ":latest");
        const refusal = await refused("unsafe-latest", { kind: "Pod", namespace: services, spec });
        expect(refusal).toMatch(
            new RegExp(
                `azora-image-no-latest-tag: Pod ${services}/unsafe-latest: container app image \\S+:latest has no tag or the latest tag`,
            ),
        );
    });

    it("refuses a Deployment with one added capability at the Deployment, naming the rule", async () => {
        const { services } = defaultNamespaces;
        const spec = await compliantPodSpec(services);
        spec.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_ADMIN"] };
        const refusal = await refused("unsafe-capabilities", { kind: "Deployment", namespace: services, spec });
        expect(refusal).toMatch(
            new RegExp(
                `azora-pss-drop-all-capabilities: Deployment ${services}/unsafe-capabilities: container app adds NET_ADMIN`,
            ),
        );
        expect(
            await cluster.kubectl([
                "get",
                "deployments",
                "-n",
                services,
                "--field-selector",
                "metadata.name=unsafe-capabilities",
                "-o",
                "name",
            ]),
        ).toBe("");
    });

    it("admits a compliant pod (server-side dry run)", async () => {
        const { services } = defaultNamespaces;
        const file = manifestFile("compliant", { kind: "Pod", namespace: services, spec: await compliantPodSpec(services) });
        expect(await cluster.kubectl(["apply", "--dry-run=server", "-f", file])).toMatch(
            /pod\/compliant created \(server dry run\)/,
        );
    });

    it("audits with the platform's policy: the refused pod with its admission failure, Secrets without their content", () => {
        const events = readFileSync(cluster.auditLog, "utf8")
            .split("\n")
            .filter((l) => l.trim() !== "")
            .map((l) => JSON.parse(l) as AuditEvent);
        const refusal = events.find((e) => e.objectRef?.resource === "pods" && e.objectRef.name === "unsafe-latest" && e.verb === "create");
        expect(refusal?.responseStatus?.code, "the refused create of unsafe-latest").toBe(403);
        expect(refusal?.annotations?.["validation.policy.admission.k8s.io/validation_failure"]).toContain("azora-image-no-latest-tag");
        // Pulumi writes with server-side apply, a patch; either way the write is audited without its body.
        const secretWrites = events.filter(
            (e) =>
                e.objectRef?.resource === "secrets" &&
                e.objectRef.namespace === defaultNamespaces.services &&
                ["create", "patch", "update"].includes(e.verb),
        );
        expect(secretWrites.length, "the platform's Secrets are created, and audited").toBeGreaterThan(0);
        for (const e of secretWrites) {
            expect(e.level).toBe("Metadata");
            expect(e.requestObject).toBeUndefined();
        }
    });

    it("stores every edge object as the program applied it: the API server's schema and CEL rules of Gateway API, Envoy Gateway and cert-manager accept them", async () => {
        const { services } = defaultNamespaces;
        const stored = await cluster.list(`${edgeKinds},certificates.cert-manager.io`, { namespace: services, selector: managed });
        const names = stored.map((o) => `${String(o.kind)}/${o.metadata.name}`).sort();
        const routes = (catalog.find((s) => s.public)?.publicRoutes ?? []).map((r) => `api-gateway-${r.name}`);
        expect(names).toEqual(
            [
                "Gateway/api-gateway",
                "HTTPRoute/api-gateway-http-redirect",
                ...routes.map((r) => `HTTPRoute/${r}`),
                "ClientTrafficPolicy/api-gateway",
                ...routes.map((r) => `BackendTrafficPolicy/${r}`),
                "SecurityPolicy/api-gateway",
                "EnvoyProxy/api-gateway",
                "Certificate/api-gateway-tls",
            ].sort(),
        );
        const gatewayClass = await cluster.list("gatewayclasses.gateway.networking.k8s.io", { selector: managed });
        expect(gatewayClass.map((c) => c.metadata.name)).toEqual(["azora-envoy"]);
        // Server-side dry run of each stored edge object again: what the program made passes the CRDs' validation unchanged.
        for (const o of stored) delete (o.metadata as { resourceVersion?: string }).resourceVersion;
        const file = path.join(ws.dir, "edge-objects.json");
        writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: stored }));
        const replaced = await cluster.kubectlRun(["replace", "--dry-run=server", "-f", file]);
        expect(replaced.code, replaced.output).toBe(0);
    });

    it("issues the gateway's certificate: cert-manager's controller, running against the cluster, fills Secret api-gateway-tls through the self-signed ClusterIssuer", async () => {
        const { services } = defaultNamespaces;
        const started = Date.now();
        const secret = await eventually("the gateway's TLS Secret", 120_000, async () => {
            const found = await cluster.list("secrets", { namespace: services });
            return found.find((o) => o.metadata.name === "api-gateway-tls" && (o as { type?: string }).type === "kubernetes.io/tls");
        });
        const data = (secret as unknown as { data: Record<string, string> }).data;
        const cert = new X509Certificate(Buffer.from(data["tls.crt"], "base64"));
        console.log(`gateway certificate issued ${(Date.now() - started) / 1000}s after the check began: ${cert.subjectAltName}, valid to ${cert.validTo}`);
        expect(cert.subjectAltName).toBe("DNS:api.azora.e2e.example");
        const [certificate] = await cluster.list("certificates.cert-manager.io", { namespace: services });
        expect(condition(certificate, "Ready")?.status).toBe("True");
    });

    it("is accepted whole by Envoy Gateway's own translator, which makes the stack's limits, lists, TLS floor and headers into Envoy configuration", async () => {
        const { services } = defaultNamespaces;
        const settings = parsePlatformConfig(stack, readStackConfig(stack), catalog).edge;
        const gateway = publicService(catalog);
        const edge = [
            ...(await cluster.list("gatewayclasses.gateway.networking.k8s.io", { selector: managed })),
            ...(await cluster.list(edgeKinds, { namespace: services, selector: managed })),
        ];
        // What the objects reference, as stored: the certificate cert-manager issued and the routes' backend Service.
        const { certificates, backends } = references(edge);
        const referenced = new Set([...certificates, ...backends.map((b) => b.name)]);
        const backing = (await cluster.list("secrets,services", { namespace: services })).filter((o) => referenced.has(o.metadata.name));
        expect(backing.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([`Secret/${gateway.name}-tls`, `Service/${gateway.name}`]);

        const t = await translate([...edge, ...backing], path.join(ws.dir, "edge-translate.yaml"), (args) => cluster.run("egctl", args));
        console.log(`egctl x translate judged ${JSON.stringify(t.judged)}; conditions not True: ${t.notTrue.length}`);
        expectTranslated(t, { settings, gateway, namespace: services });
    });

    it("refuses, by the Gateway CRD's own CEL rule, an HTTPS listener that terminates TLS without a certificate", async () => {
        const file = path.join(ws.dir, "invalid-gateway.json");
        const listener = { name: "https", port: 443, protocol: "HTTPS", hostname: "api.invalid.example", tls: { mode: "Terminate" } };
        writeFileSync(
            file,
            JSON.stringify({
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: { name: "invalid-edge", namespace: defaultNamespaces.services },
                spec: { gatewayClassName: "azora-envoy", listeners: [listener] },
            }),
        );
        const r = await cluster.kubectlRun(["apply", "--dry-run=server", "-f", file]);
        console.log(`CEL rejection of a terminating HTTPS listener without certificateRefs: ${r.output.trim()}`);
        expect(r.code).not.toBe(0);
        expect(r.output).toMatch(/spec\.listeners\[0\]\.tls: Invalid value: "object": .*certificateRefs or options must be specified when mode is Terminate/);
    });

    it("refuses any Ingress at admission, naming the rule and the retirement of ingress-nginx", async () => {
        const file = path.join(ws.dir, "ingress.json");
        writeFileSync(
            file,
            JSON.stringify({
                apiVersion: "networking.k8s.io/v1",
                kind: "Ingress",
                metadata: { name: "legacy", namespace: defaultNamespaces.services },
                spec: { rules: [{ host: "legacy.example", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "api-gateway", port: { number: 4000 } } } }] } }] },
            }),
        );
        const r = await cluster.kubectlRun(["apply", "--dry-run=server", "-f", file]);
        expect(r.code).not.toBe(0);
        expect(r.output).toMatch(/azora-edge-no-ingress: .*ingress-nginx was retired in March 2026/);
    });

    it("a second up reports no changes", async () => {
        const r = await pulumi(["up", "--yes", "--skip-preview", "--expect-no-changes", "--suppress-outputs", ...parallel], "no-op up");
        expect(r.code, r.output).toBe(0);
        expect(r.output).toMatch(new RegExp(`${resourceCount} unchanged`));
    });

    it("refresh finds no drift between the state and the cluster", async () => {
        const r = await pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes", "--suppress-outputs"], "refresh");
        expect(r.code, r.output).toBe(0);
        const preview = await pulumi(["preview", "--expect-no-changes", "--suppress-outputs"]);
        expect(preview.code, preview.output).toBe(0);
    });

    // The drill of docs/operations/scaling.md's manual scale: the daily drift check (drift.yml's own
    // command) must report it, naming the object and field, and the next deploy (deploy-stack.yml's
    // `up` with `refresh: true`) must put it back.
    it("reports a manual kubectl change through the drift check's own command, and the next up puts it back", async () => {
        const hpa = (await ours("horizontalpodautoscalers")).find((h) => h.metadata.name === "azora-pay")!;
        const declared = hpa.spec!.minReplicas!;
        await cluster.kubectl(["-n", "azora", "patch", "hpa", "azora-pay", "--type", "merge", "-p", JSON.stringify({ spec: { minReplicas: declared + 1 } })]);

        // As the workflow runs it: no confirmation is skipped (the harness skips them, which --preview-only refuses).
        const drift = (): Promise<RunResult> => pulumi(driftCheckCommand(), undefined, { PULUMI_SKIP_CONFIRMATIONS: "false" });
        const reported = await drift();
        expect(reported.code, reported.output).not.toBe(0);
        expect(reported.output).toMatch(/~ kubernetes:autoscaling\/v2:HorizontalPodAutoscaler: \(update\)\s+\[id=azora\/azora-pay\]/);
        expect(reported.output).toContain(`minReplicas: ${declared} => ${declared + 1}`);
        expect(reported.output).toMatch(/~ 1 to update/);
        const after = (await ours("horizontalpodautoscalers")).find((h) => h.metadata.name === "azora-pay")!;
        expect(after.spec?.minReplicas, "the drift check changed nothing").toBe(declared + 1);

        // As the deploy workflow runs it: `up --refresh` (a plain `up` diffs against the state of the last
        // deploy and would leave the drift). The HPA's own events are printed as
        // warnings; the update itself must succeed.
        const restoring = await pulumi(
            ["up", "--refresh", "--yes", "--skip-preview", "--suppress-progress", "--suppress-outputs", ...parallel],
            "up --refresh after a manual change",
        );
        expect(restoring.code, restoring.output).toBe(0);
        const restored = (await ours("horizontalpodautoscalers")).find((h) => h.metadata.name === "azora-pay")!;
        expect(restored.spec?.minReplicas, restoring.output).toBe(declared);
        const clean = await drift();
        expect(clean.code, clean.output).toBe(0);
    });

    it("a config change of one service rolls only that service, through its checksum", async () => {
        const before = byName(await ours("deployments"));
        ws.editStack(stack, (c) => {
            const workloads = c["azora-platform:workloads"] as { services?: Record<string, unknown> };
            workloads.services = { ...workloads.services, "azora-mint": { featureFlags: { newCheckout: false } } };
        });
        expectApplied(await up("config change of one service"));
        const after = byName(await ours("deployments"));
        for (const [name, d] of after) {
            const was = before.get(name)!;
            if (name === "azora-mint") {
                expect(templateChecksum(d)).not.toBe(templateChecksum(was));
                expect(d.metadata.generation).toBeGreaterThan(was.metadata.generation!);
                expect(rolledOut(d)).toBe(true);
            } else {
                expect(d.metadata.generation, `${name} rolled`).toBe(was.metadata.generation);
            }
        }
    });

    it("a new image digest re-runs only that service's migration, and the service rolls after it", async () => {
        const before = await migrationJobs();
        setPayDigest(`sha256:${"e2e0".repeat(16)}`);
        expectApplied(await up("new digest for one service"));
        const after = await migrationJobs();
        const beforeUids = new Set(before.map((j) => j.metadata.uid));
        const fresh = after.filter((j) => !beforeUids.has(j.metadata.uid));
        expect(fresh.map((j) => j.metadata.name)).toEqual([expect.stringMatching(/^azora-pay-migrate-/)]);
        for (const service of withDatabase.filter((s) => s !== "azora-pay")) {
            expect(jobOf(after, service).map((j) => j.metadata.uid)).toEqual(jobOf(before, service).map((j) => j.metadata.uid));
        }
        const [job] = fresh;
        expect(condition(job, "Complete")?.status).toBe("True");
        // The new release backed its database up first.
        const backup = await releaseBackupOf(job);
        expect(condition(backup!, "Complete")?.status, `backup of ${job.metadata.name}`).toBe("True");
        expect(Date.parse(backup!.status!.completionTime!)).toBeLessThanOrEqual(Date.parse(job.metadata.creationTimestamp));
        const replicaSets = (await cluster.list("replicasets", { namespace: "azora" })).filter((r) =>
            r.metadata.ownerReferences?.some((o) => o.kind === "Deployment" && o.name === "azora-pay"),
        );
        const newest = replicaSets.sort((a, b) => Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp))[0];
        expect(Date.parse(job.status!.completionTime!)).toBeLessThanOrEqual(Date.parse(newest.metadata.creationTimestamp));
        const pay = byName(await ours("deployments")).get("azora-pay")!;
        expect(rolledOut(pay)).toBe(true);
    });

    // The deploy workflow's steps after `up` (deploy-stack.yml), on the real stack and API server:
    // verify.ts reads the rollouts from the cluster and the stack outputs from the state; the
    // Prometheus API it polls is served here (the live suite reads the real one: its criticals are
    // what firingCritical returns), as is the health endpoint, since kwok's pods serve nothing.
    it("verifies the converged stack, records its commit and digest as the last good state, and plans the rollback of a failed release to it", async () => {
        const firing: { labels: Record<string, string>; state: string }[] = [];
        const [promPort, healthPort] = [await freePort(), await freePort()];
        const servers = [
            createServer((_, res) => res.end(JSON.stringify({ status: "success", data: { alerts: firing } }))).listen(promPort, "127.0.0.1"),
            createServer((_, res) => res.writeHead(200).end("ok")).listen(healthPort, "127.0.0.1"),
        ];
        try {
            const verify = () =>
                deployScript("verify", ["--settle", "2", "--interval", "1", "--prometheus-url", `http://127.0.0.1:${promPort}`, "--health-url", `http://127.0.0.1:${healthPort}/health/ready`]);
            const good = await verify();
            expect(good.code, good.output).toBe(0);
            expect(good.output).toMatch(/verify e2e: rollouts in [\w, -]+: complete/);
            expect(good.output).toMatch(/deployment good \(\d+ polls over 2s\)/);

            const [released, failedRelease] = ["a".repeat(40), "b".repeat(40)];
            const recorded = await deployScript("last-good", ["record", "--ref", released]);
            expect(recorded.code, recorded.output).toBe(0);
            const tags = JSON.parse((await pulumi(["stack", "tag", "ls", "--json"])).stdout) as Record<string, string>;
            expect(tags).toMatchObject({ "azora-last-good-ref": released, "azora-last-good-azora-pay": `sha256:${"e2e0".repeat(16)}` });

            firing.push({ state: "firing", labels: { alertname: "AzoraServiceDown", severity: "critical", service: "azora-pay" } });
            const bad = await verify();
            expect(bad.code).toBe(1);
            expect(bad.stderr).toContain('critical alert firing (from 0s): AzoraServiceDown{service="azora-pay"}');

            const plan = await deployScript("last-good", ["plan", "--ref", failedRelease]);
            expect(plan.code, plan.output).toBe(0);
            expect(plan.stdout).toContain(`action=redeploy\nref=${released}\ndigests={"azora-pay":"sha256:${"e2e0".repeat(16)}"}`);
        } finally {
            for (const s of servers) s.close();
        }
    });

    // The failed-migration drill: kwok fails every pod of a Job running the failing release
    // (scripts/cluster/stages.yaml, azora-job-pod-fails), as a migration that errors out would.
    it("a release whose migration fails stops the up naming the Job, keeps the previous image serving, and the fixed release converges", async () => {
        const pay = () => ours("deployments").then((d) => byName(d).get("azora-pay")!);
        const serving = await pay();
        setPayDigest(failingDigest);
        const failed = await up("release with a failing migration");
        expect(failed.code, "the up succeeded although the migration failed").not.toBe(0);
        const job = (await migrationJobs()).find((j) => image(j)?.endsWith(failingDigest));
        expect(job, "no migration Job of the failing release").toBeDefined();
        expect(condition(job!, "Failed")?.status).toBe("True");
        expect(failed.output).toContain(job!.metadata.name);
        console.log(`failed migration, what up printed:\n${failed.output.split("\n").filter((l) => l.includes(job!.metadata.name) || /error:|failed/i.test(l)).join("\n")}`);
        // No rollout started: the Deployment is the one that served before, still available.
        const after = await pay();
        expect(image(after)).toBe(image(serving));
        expect(after.metadata.generation).toBe(serving.metadata.generation);
        expect(rolledOut(after)).toBe(true);
        // The failed-Job alert's promtool case (alerts/cluster/jobs.test.yaml) carries the labels this Job
        // really has, as kube-state-metrics exports them (its allowlist: the role and the name).
        const exported = Object.fromEntries(
            [jobRoleLabel, labelKeys.name].map((k) => [kubeStateMetricsLabel(k), job!.metadata.labels?.[k]]),
        );
        const cases = readFileSync(path.join(repoRoot, "alerts/cluster/jobs.test.yaml"), "utf8");
        const migrationSeries = [...cases.matchAll(/kube_job_labels\{([^}]*)\}/g)]
            .map((m) => Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((kv) => [kv[1], kv[2]])))
            .find((l) => l[kubeStateMetricsLabel(jobRoleLabel)] === jobRoles.migration);
        expect(migrationSeries).toMatchObject({ ...exported, namespace: job!.metadata.namespace });
        expect(migrationSeries?.job_name).toMatch(/^azora-pay-migrate-[0-9a-f]{10}$/);

        setPayDigest(fixedDigest);
        // Not expectApplied: deleting the failed Job of the bad release prints its status ("Job Failed. failed: 3/1"),
        // so the check is that the up succeeded and no operation of it failed or erred.
        const fixedUp = await up("fixed release");
        expect(fixedUp.code, fixedUp.output).toBe(0);
        expect(fixedUp.output).not.toMatch(/\*\*[a-z ]*failed\*\*|^\s*error:/m);
        const fixed = await pay();
        expect(image(fixed)).toMatch(new RegExp(`@${fixedDigest}$`));
        expect(rolledOut(fixed)).toBe(true);
        const payJobs = jobOf(await migrationJobs(), "azora-pay");
        expect(payJobs.map((j) => condition(j, "Complete")?.status)).toEqual(["True"]);
    });

    // The rollback drill: release N+1 (a new image and a config change of one service), then the
    // rollback exactly as docs/operations/rollback.md's "From the CLI" gives it — the good commit's
    // stack file back (its `git checkout`) and its `pulumi up` line, run as written.
    it("rolls release N+1 back to N as rollback.md writes it: N's image, config and migration Job are back, no other service changed", async () => {
        const release = async () => {
            const deployments = byName(await ours("deployments"));
            return {
                deployments,
                migration: jobOf(await migrationJobs(), "azora-pay").map((j) => j.metadata.name),
            };
        };
        const n = await release();
        const stackFileN = readFileSync(path.join(ws.dir, `Pulumi.${stack}.yaml`), "utf8");
        setPayDigest(nextDigest);
        ws.editStack(stack, (c) => {
            const w = c["azora-platform:workloads"] as { services?: Record<string, Record<string, unknown>> };
            w.services = { ...w.services, "azora-pay": { ...w.services?.["azora-pay"], featureFlags: { newCheckout: false } } };
        });
        expectApplied(await up("release N+1"));
        const next = await release();
        const pay = (r: typeof n) => r.deployments.get("azora-pay")!;
        expect(image(pay(next))).toMatch(new RegExp(`@${nextDigest}$`));
        expect(templateChecksum(pay(next))).not.toBe(templateChecksum(pay(n)));

        const { commands, up: rollbackUp } = rollbackFromCli();
        expect(commands[0]).toBe("git checkout <good sha>");
        writeFileSync(path.join(ws.dir, `Pulumi.${stack}.yaml`), stackFileN);
        const rolledBack = await pulumi(rollbackUp, "rollback (rollback.md, from the CLI)");
        expectApplied(rolledBack);
        expect(rolledBack.output).toMatch(/Policies:\n\s+✅ azora-platform@v[\d.]+ \(local: policies\)/);

        const back = await release();
        expect(image(pay(back))).toBe(image(pay(n)));
        expect(templateChecksum(pay(back))).toBe(templateChecksum(pay(n)));
        expect(back.migration, "release N's migration Job").toEqual(n.migration);
        expect(rolledOut(pay(back))).toBe(true);
        for (const [name, d] of n.deployments) {
            if (name === "azora-pay") continue;
            expect(back.deployments.get(name)?.metadata.generation, name).toBe(d.metadata.generation);
        }
    });

    // The drain drill (docs/operations/scaling.md): two of the three zones drained at once, so the
    // workloads with a pod in each contend for their budget and the API server refuses the second eviction
    // until the first pod's replacement is ready; every budget holds throughout, watched from its status.
    it("drains two zones at once: evictions wait for every PDB, the workloads end on the third zone, and the next rollout spreads again", async () => {
        const nodes = JSON.parse(await cluster.kubectl(["get", "nodes", "-o", "json"])) as { items: KubeObject[] };
        const [kept, ...drained] = nodes.items.map((n) => n.metadata.name).sort().reverse();
        const podsOn = async () =>
            (await Promise.all(ourNamespaces.map((ns) => cluster.list("pods", { namespace: ns })))).flat().filter(
                (p) =>
                    !p.metadata.ownerReferences?.some((o) => o.kind === "DaemonSet" || o.kind === "Job") &&
                    p.status?.phase === "Running" &&
                    !p.metadata.deletionTimestamp,
            );
        // The workload: a StatefulSet owns its pods; a Deployment owns them through a ReplicaSet <deployment>-<hash>.
        const ownerOf = (p: KubeObject) => {
            const owner = p.metadata.ownerReferences?.[0];
            return owner?.kind === "ReplicaSet" ? owner.name.replace(/-[a-z0-9]+$/, "") : (owner?.name ?? p.metadata.name);
        };
        const before = await podsOn();
        const contended = [...new Set(before.filter((p) => drained.includes(nodeOf(p))).map(ownerOf))].filter((w) =>
            drained.every((n) => before.some((p) => ownerOf(p) === w && nodeOf(p) === n)),
        );

        const watch = { on: true, samples: 0, breaches: [] as string[] };
        const watcher = (async () => {
            while (watch.on) {
                watch.breaches.push(...(await pdbsBelowDesired(ourNamespaces)));
                watch.samples++;
            }
        })();
        const started = Date.now();
        const drains = await Promise.all(
            drained.map((n) => cluster.kubectlRun(["drain", n, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=240s"])),
        );
        timings.push(["drain of two zones", (Date.now() - started) / 1000]);
        watch.on = false;
        await watcher;
        for (const d of drains) expect(d.code, d.output).toBe(0);
        const refused = drains.flatMap((d) => d.output.split("\n").filter((l) => /would violate the pod's disruption budget/.test(l)));
        console.log(`drain: ${contended.length} workloads with a pod in both zones, ${refused.length} evictions refused, ${watch.samples} PDB samples`);
        expect(watch.breaches, "a PDB below its desired healthy pods").toEqual([]);
        expect(watch.samples).toBeGreaterThan(2);
        if (contended.length > 0) expect(refused.length, `contended: ${contended.join(", ")}`).toBeGreaterThan(0);

        const after = await eventually("every workload's pods on the kept zone", 120_000, async () => {
            const pods = await podsOn();
            return pods.every((p) => nodeOf(p) === kept) && new Set(pods.map(ownerOf)).size === new Set(before.map(ownerOf)).size
                ? pods
                : undefined;
        });
        expect(after.length).toBeGreaterThanOrEqual(before.length);
        for (const d of await ours("deployments")) expect(rolledOut(d), d.metadata.name).toBe(true);

        for (const n of drained) await cluster.kubectl(["uncordon", n]);
        // Kubernetes moves no pod back on its own: the next rollout spreads them. A global flag rolls every service.
        ws.editStack(stack, (c) => {
            const w = c["azora-platform:workloads"] as { featureFlags: Record<string, boolean> };
            w.featureFlags = { ...w.featureFlags, drainDrill: true };
        });
        expectApplied(await up("rollout after the drain"));
        const spread = await podsOn();
        for (const s of catalog) {
            const zones = new Set(spread.filter((p) => ownerOf(p) === s.name).map(nodeOf));
            expect(zones.size, `${s.name} across zones after the uncordon`).toBeGreaterThanOrEqual(2);
        }
    });

    it("an up killed mid-way, then cancel, refresh and up, converges with nothing lost", async () => {
        const before = byName(await ours("deployments"));
        ws.editStack(stack, (c) => {
            c["azora-platform:secrets"] = { rotation: 1 };
        });
        const killedAfter = await upKilledAfterDeploymentUpdates(3);
        expect(killedAfter, "the up finished before it could be interrupted").toBeGreaterThanOrEqual(3);

        const locked = await up();
        expect(locked.code).not.toBe(0);
        expect(locked.output).toMatch(/locked/);
        expect((await pulumi(["cancel", "--yes"])).code).toBe(0);
        const refresh = await pulumi(["refresh", "--yes", "--skip-preview", "--clear-pending-creates", "--suppress-outputs"]);
        expect(refresh.code, refresh.output).toBe(0);
        expectApplied(await up("up after an interrupted up"));

        const state = JSON.parse((await pulumi(["stack", "export"])).stdout) as {
            deployment: { resources: unknown[]; pending_operations?: unknown[] };
        };
        expect(state.deployment.pending_operations ?? []).toEqual([]);
        const noChanges = await pulumi(["preview", "--expect-no-changes", "--suppress-outputs"]);
        expect(noChanges.code, noChanges.output).toBe(0);
        const after = byName(await ours("deployments"));
        expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
        for (const [name, d] of after) {
            expect(rolledOut(d), name).toBe(true);
            // The rotation changes every service's secrets, so every service has rolled to the new checksum.
            if (catalog.some((s) => s.name === name)) expect(templateChecksum(d), name).not.toBe(templateChecksum(before.get(name)!));
        }
    });

    // The rotation drill (docs/operations/secret-rotation.md): a token signed just before a rotation still
    // verifies after it against the pair the pod mounts (current and previous), and no longer after the next.
    it("rotates the signing keys with the previous key kept for one rotation: earlier tokens verify after it, not after the next", async () => {
        const signing = catalog.find((s) => s.name === "auth-service")!.generatedSecrets.filter((g) => g.keepPrevious);
        const keysOf = async (): Promise<Record<string, string>> => {
            const secret = JSON.parse(await cluster.kubectl(["get", "secret", "auth-service-secrets", "-n", "azora", "-o", "json"])) as {
                data: Record<string, string>;
            };
            return Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
        };
        const rotate = async (to: number) => {
            ws.editStack(stack, (c) => {
                c["azora-platform:secrets"] = { rotation: to };
            });
            expectApplied(await up(`secrets rotation ${to}`));
        };
        const verifies = (token: string, keys: Record<string, string>, key: string) =>
            [keys[key], keys[previousKey(key)]].some((k) => verifyToken(token, k));

        const before = await keysOf();
        const tokens = Object.fromEntries(signing.map((g) => [g.key, signToken({ sub: "drill" }, before[g.key])]));
        await rotate(2);
        const after = await keysOf();
        for (const g of signing) {
            expect(after[g.key], `${g.key} is new`).not.toBe(before[g.key]);
            expect(after[previousKey(g.key)], `${g.key}'s previous value is the one before the rotation`).toBe(before[g.key]);
            expect(verifies(tokens[g.key], after, g.key), `a ${g.key} token from before the rotation`).toBe(true);
        }
        // Both keys reach the pod: the Secret volume projects the current and the previous value.
        const auth = byName(await ours("deployments")).get("auth-service")!;
        expect(rolledOut(auth)).toBe(true);
        const mounted = JSON.stringify(auth.spec?.template);
        for (const g of signing) expect(mounted).toContain(`"key":"${previousKey(g.key)}"`);

        await rotate(3);
        const next = await keysOf();
        for (const g of signing) {
            expect(Object.values(next), `${g.key}'s value from two rotations ago`).not.toContain(before[g.key]);
            expect(verifies(tokens[g.key], next, g.key), `a ${g.key} token from two rotations ago`).toBe(false);
        }
    });

    it("destroy removes everything it created", async () => {
        const r = await pulumi(["destroy", "--yes", "--skip-preview", "--suppress-progress", "--suppress-outputs", ...parallel], "destroy");
        expect(r.code, r.output).toBe(0);
        const namespaces = (await cluster.list("namespaces")).map((n) => n.metadata.name);
        for (const ns of ourNamespaces) expect(namespaces).not.toContain(ns);
        expect(await cluster.list("all", { selector: managed })).toEqual([]);
        const clusterScoped =
            "clusterroles,clusterrolebindings,storageclasses,validatingadmissionpolicies,validatingadmissionpolicybindings";
        expect(await cluster.list(clusterScoped, { selector: managed })).toEqual([]);
        const state = JSON.parse((await pulumi(["stack", "export"])).stdout) as { deployment: { resources?: unknown[] } };
        expect(state.deployment.resources ?? []).toEqual([]);
    });
});

interface ProbeContainer {
    name: string;
    image: string;
    securityContext: { capabilities: { drop: string[]; add?: string[] } } & Record<string, unknown>;
}

/**
 * A pod spec that meets every rule the cluster enforces: one of the namespace's own ServiceAccounts
 * and the image of the catalog's first service, so only the detail a test changes can be refused.
 */
async function compliantPodSpec(namespace: string) {
    const [account] = await cluster.list("serviceaccounts", { namespace, selector: managed });
    const image = await cluster.kubectl([
        "get",
        "deployment",
        catalog[0].name,
        "-n",
        defaultNamespaces.services,
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
    ]);
    const id = 10001;
    const containers: ProbeContainer[] = [
        {
            name: "app",
            image,
            securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
            },
        },
    ];
    return {
        serviceAccountName: account.metadata.name,
        automountServiceAccountToken: false,
        securityContext: {
            runAsNonRoot: true,
            runAsUser: id,
            runAsGroup: id,
            fsGroup: id,
            seccompProfile: { type: "RuntimeDefault" },
        },
        containers: containers.map((c) => ({
            ...c,
            resources: {
                requests: { cpu: "10m", memory: "16Mi", "ephemeral-storage": "16Mi" },
                limits: { cpu: "100m", memory: "16Mi", "ephemeral-storage": "80Mi" },
            },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        })),
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
    };
}

/** Writes a Pod, or a Deployment of that pod, as a manifest file in the workspace. */
function manifestFile(name: string, o: { kind: "Pod" | "Deployment"; namespace: string; spec: object }): string {
    const metadata = { name, namespace: o.namespace, labels: { app: name } };
    const manifest =
        o.kind === "Pod"
            ? { apiVersion: "v1", kind: "Pod", metadata, spec: o.spec }
            : {
                  apiVersion: "apps/v1",
                  kind: "Deployment",
                  metadata,
                  spec: {
                      selector: { matchLabels: { app: name } },
                      template: { metadata: { labels: { app: name } }, spec: o.spec },
                  },
              };
    const file = path.join(ws.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(manifest));
    return file;
}

/** `kubectl apply` of the object, which must be refused; returns the API server's refusal. */
async function refused(name: string, o: Parameters<typeof manifestFile>[1]): Promise<string> {
    const file = manifestFile(name, o);
    try {
        await cluster.kubectl(["apply", "-f", file]);
    } catch (e) {
        const message = (e as Error).message;
        console.log(
            `admission refused ${o.kind} ${o.namespace}/${name}: ${message
                .split("\n")
                .filter((l) => /denied request/.test(l))
                .join(" ")}`,
        );
        return message;
    }
    throw new Error(`the API server admitted ${o.kind} ${o.namespace}/${name}`);
}

/**
 * Starts an up and SIGKILLs it (CLI, language host and providers) once it has updated `n`
 * Deployments: the crash an operator's laptop or a CI runner can have. Returns how many it saw.
 * It runs as a real environment's deploy does, writing checkpoints around every step (a disposable
 * stack skips them; scripts/lib/workspace.ts), so the recovery proven is the one that matters there.
 * The plugins run in process groups of their own, so they are found through /proc, not the group.
 */
function upKilledAfterDeploymentUpdates(n: number): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            "pulumi",
            ["up", "--yes", "--skip-preview", "--suppress-progress", "--suppress-outputs", "--non-interactive", "--stack", stack, ...parallel],
            {
                cwd: ws.dir,
                env: pulumiEnv({
                    PULUMI_BACKEND_URL: `file://${ws.backend}`,
                    PULUMI_CONFIG_PASSPHRASE: passphrase,
                    KUBECONFIG: cluster.kubeconfig,
                    PULUMI_SKIP_CHECKPOINTS: "false",
                }),
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let seen = 0;
        let output = "";
        child.stdout.on("data", (b: Buffer) => {
            output += b.toString("utf8");
            seen = (output.match(/kubernetes:apps\/v1:Deployment \S+ updated/g) ?? []).length;
            if (seen >= n && child.exitCode === null) for (const pid of [child.pid!, ...descendants(child.pid!)]) process.kill(pid, "SIGKILL");
        });
        child.on("error", reject);
        child.on("close", () => resolve(seen));
    });
}

/** Every live process below `pid`, read from /proc (children first found, then theirs). */
function descendants(pid: number): number[] {
    const parents = new Map<number, number[]>();
    for (const entry of readdirSync("/proc").filter((e) => /^[0-9]+$/.test(e))) {
        try {
            // Fields after the parenthesised command: state, then the parent pid.
            const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
        } catch {
            // The process ended while we were listing: nothing to kill.
        }
    }
    const out: number[] = [];
    const queue = [pid];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        for (const c of parents.get(next) ?? []) {
            out.push(c);
            queue.push(c);
        }
    }
    return out;
}

/** The PDBs of `namespaces` (or the one named `name`) below their desired healthy pods now, as `ns/name: current < desired`. */
async function pdbsBelowDesired(namespaces: string[], name?: string): Promise<string[]> {
    const pdbs = (await Promise.all(namespaces.map((ns) => cluster.list("poddisruptionbudgets", { namespace: ns })))).flat();
    return pdbs
        .filter((p) => (name === undefined || p.metadata.name === name) && (p.status?.currentHealthy ?? 0) < (p.status?.desiredHealthy ?? 0))
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}: ${p.status?.currentHealthy} < ${p.status?.desiredHealthy}`);
}

const nodeOf = (p: KubeObject): string => (p.spec as { nodeName?: string } | undefined)?.nodeName ?? "";

/** An HS256 token (the services' service-to-service tokens), and its check against one key. */
function signToken(claims: object, key: string): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}`;
    return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}
function verifyToken(token: string, key: string | undefined): boolean {
    if (!key) return false;
    const [header, payload, signature] = token.split(".");
    const expected = createHmac("sha256", key).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, "base64url");
    return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The image digests of the drills: a release whose migration fails (scripts/cluster/stages.yaml), its fix, and a release N+1. */
const failingDigest = `sha256:${"fa11ed00".repeat(8)}`;
const fixedDigest = `sha256:${"f100".repeat(16)}`;
const nextDigest = `sha256:${"0e01".repeat(16)}`;

function setPayDigest(digest: string): void {
    ws.editStack(stack, (c) => {
        const images = c["azora-platform:images"] as { digests?: Record<string, string> };
        images.digests = { ...images.digests, "azora-pay": digest };
    });
}

/**
 * docs/operations/rollback.md's "From the CLI" block: its commands, and its `pulumi up` line as the e2e
 * helper runs it (the helper adds `--stack`; the policy config is this stack's).
 */
function rollbackFromCli(): { commands: string[]; up: string[] } {
    const page = readFileSync(path.join(repoRoot, "docs/operations/rollback.md"), "utf8");
    const block = /From the CLI \(only if GitHub Actions is down\):\n\n```bash\n([\s\S]*?)```/.exec(page)?.[1];
    if (!block) throw new Error("rollback.md has no 'From the CLI' block");
    const commands = block.trim().split("\n");
    const line = commands.find((c) => c.startsWith("pulumi up "));
    if (!line) throw new Error("rollback.md's CLI rollback runs no pulumi up");
    const args = line.split(/\s+/).slice(1);
    const at = args.indexOf("--stack");
    const [, from] = args.splice(at, 2);
    return { commands, up: args.map((a) => a.replace(`config/${from}.json`, `config/${stack}.json`)) };
}

/** scripts/deploy/<name>.ts as deploy-stack.yml runs it, on the e2e stack (its backend, passphrase and cluster). */
function deployScript(name: "verify" | "last-good", args: string[]): Promise<RunResult> {
    const env = pulumiEnv({ PULUMI_BACKEND_URL: `file://${ws.backend}`, PULUMI_CONFIG_PASSPHRASE: passphrase, KUBECONFIG: cluster.kubeconfig });
    return runCommand("vite-node", [path.join(repoRoot, `scripts/deploy/${name}.ts`), "--", ...args, "--stack", stack], ws.dir, env);
}

/** The drift check as .github/workflows/drift.yml runs it, minus the stack (the e2e helper adds it). */
function driftCheckCommand(): string[] {
    const workflow = readFileSync(path.join(__dirname, "../../.github/workflows/drift.yml"), "utf8");
    const run = /run: (pulumi refresh .*)$/m.exec(workflow)?.[1];
    if (!run) throw new Error("drift.yml runs no pulumi refresh");
    return run
        .split(/\s+/)
        .slice(1)
        .filter((a, i, all) => a !== "--stack" && all[i - 1] !== "--stack");
}
