// The composed stack, as prod would run it: every object named and namespaced, every workload
// hardened like the services, reachable only by its peers, and no secret outside a Secret.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../../model/catalog";
import { ObservabilityStack } from "../../../components/observability";
import { images } from "../../../components/observability/images";
import {
    configText,
    container,
    isSecret,
    list,
    nameOf,
    object,
    Obj,
    ofType,
    podSpec,
    promiseOf,
    recordResources,
    Registered,
    reveal,
    selectorOf,
    settle,
    strings,
    T,
    text,
    workloads,
} from "../harness";
import { settings } from "./settings";
import { memoryBytes } from "../../../model/quantity";

const ns = "azora-observability";
const servicesNs = "azora";
const slackUrl = "https://hooks.slack.com/services/T000/B000/not-a-real-token";

const resources = recordResources();
let stack: ObservabilityStack;

beforeAll(async () => {
    stack = new ObservabilityStack("observability", {
        namespace: ns,
        servicesNamespace: servicesNs,
        environment: "prod",
        apiServerCidrs: ["10.96.0.1/32"],
        nodeCidrs: ["10.0.0.0/16"],
        kubeletCertificatesVerified: false,
        settings: settings({
            prometheus: { replicas: 2 },
            alertmanager: { replicas: 3, receiver: { type: "slack", channel: "#azora-alerts" } },
            otelCollector: { replicas: 2, samplingPercentage: 25 },
        }),
        services: catalog,
        ruleFiles: { "azora-services.rules.yaml": "groups: []\n" },
        alertmanagerConfig:
            "route:\n  receiver: slack\nreceivers:\n  - name: slack\n    slack_configs:\n      - api_url_file: /etc/alertmanager/secrets/slack/url\n",
        dashboards: { "azora-system-overview.json": '{"uid":"azora-system-overview","panels":[]}' },
        slackWebhookUrl: pulumi.secret(slackUrl),
        edge: { proxyNamespace: "envoy-gateway-system", gateway: { name: "api-gateway", namespace: "azora-services" } },
    });
    await settle(resources);
});

const kube = (): Registered[] => resources.filter((r) => r.type.startsWith("kubernetes:"));
const workloadNames = [
    "prometheus",
    "alertmanager",
    "grafana",
    "loki",
    "log-shipper",
    "jaeger",
    "otel-collector",
    "kube-state-metrics",
    "node-exporter",
];

describe("ObservabilityStack", () => {
    it("registers one component per module under the azora:observability token", () => {
        const tokens = resources.filter((r) => r.type.startsWith("azora:observability:")).map((r) => r.type);
        expect(tokens.sort()).toEqual(
            [
                "Alertmanager",
                "Grafana",
                "Jaeger",
                "KubeStateMetrics",
                "LogShipper",
                "Loki",
                "NodeExporter",
                "ObservabilityStack",
                "OtelCollector",
                "Prometheus",
            ].map((n) => `azora:observability:${n}`),
        );
    });

    it("names every Kubernetes object explicitly and puts it in the observability namespace (discovery RBAC and cluster roles aside)", () => {
        for (const r of kube()) {
            const meta = r.inputs.metadata;
            expect(typeof meta.name, `${r.type} ${r.name}`).toBe("string");
            if (r.type.includes(":ClusterRole")) {
                expect(meta.namespace, `${r.type} ${text(meta.name)}`).toBeUndefined();
                expect(text(meta.name), r.type).toMatch(new RegExp(`^${ns}-`));
                continue;
            }
            // Prometheus reads pods in the edge's namespaces too (its proxies and cert-manager).
            const allowed = r.type === T.role || r.type === T.roleBinding ? [ns, servicesNs, "envoy-gateway-system", "cert-manager"] : [ns];
            expect(allowed, `${r.type} ${text(meta.name)}`).toContain(text(meta.namespace));
        }
    });

    it("runs exactly the seven stack workloads and the two exporters", () => {
        expect(workloads(resources).map(nameOf).sort()).toEqual([...workloadNames].sort());
    });

    it("hardens every container: non-root image UID, no privilege, read-only root, all capabilities dropped", () => {
        const uids: Record<string, number> = {
            prometheus: images.prometheus.uid,
            alertmanager: images.alertmanager.uid,
            grafana: images.grafana.uid,
            loki: images.loki.uid,
            "log-shipper": images.alloy.uid,
            jaeger: images.jaeger.uid,
            "otel-collector": images.otelCollector.uid,
            "kube-state-metrics": images.kubeStateMetrics.uid,
            "node-exporter": images.nodeExporter.uid,
        };
        for (const w of workloads(resources)) {
            const name = nameOf(w);
            const pod = podSpec(w.inputs);
            expect(pod.securityContext, name).toMatchObject({
                runAsNonRoot: true,
                runAsUser: uids[name],
                seccompProfile: { type: "RuntimeDefault" },
            });
            expect(pod.hostNetwork ?? false, name).toBe(false);
            for (const c of list(pod.containers)) {
                expect(c.securityContext, name).toEqual({
                    runAsNonRoot: true,
                    runAsUser: uids[name],
                    runAsGroup: uids[name],
                    privileged: false,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                });
                expect(
                    list(c.volumeMounts).map((m) => text(m.mountPath)),
                    name,
                ).toContain("/tmp");
            }
        }
    });

    it("gives every container CPU, memory and ephemeral-storage requests and limits", () => {
        for (const w of workloads(resources)) {
            for (const c of list(podSpec(w.inputs).containers)) {
                expect(Object.keys(c.resources.requests).sort(), nameOf(w)).toEqual(["cpu", "ephemeral-storage", "memory"]);
                expect(Object.keys(c.resources.limits).sort(), nameOf(w)).toEqual(["cpu", "ephemeral-storage", "memory"]);
            }
        }
    });

    it("keeps every emptyDir within the pod's ephemeral-storage limit", () => {
        for (const w of workloads(resources)) {
            const pod = podSpec(w.inputs);
            const emptyDirs = list(pod.volumes).filter((v) => v.emptyDir);
            const scratch = emptyDirs.reduce((sum, v) => sum + memoryBytes(text(v.emptyDir.sizeLimit)), 0);
            const limit = list(pod.containers).reduce(
                (sum, c) => sum + memoryBytes(text(c.resources.limits["ephemeral-storage"])),
                0,
            );
            expect(limit, nameOf(w)).toBeGreaterThan(scratch);
        }
    });

    it("probes every container: liveness on its own endpoint (or a TCP connect), readiness and startup on its readiness one", () => {
        const health: Record<string, { liveness: string | number; readiness: string }> = {
            prometheus: { liveness: "/-/healthy", readiness: "/-/ready" },
            alertmanager: { liveness: "/-/healthy", readiness: "/-/ready" },
            grafana: { liveness: "/healthz", readiness: "/api/health" },
            loki: { liveness: "/loki/api/v1/status/buildinfo", readiness: "/ready" },
            "log-shipper": { liveness: 2020, readiness: "/-/ready" },
            jaeger: { liveness: 4317, readiness: "/status" },
            "otel-collector": { liveness: 4317, readiness: "/" },
            "kube-state-metrics": { liveness: "/livez", readiness: "/readyz" },
            "node-exporter": { liveness: 9100, readiness: "/" },
        };
        for (const w of workloads(resources)) {
            const c = container(w.inputs);
            const expected = health[nameOf(w)];
            const live = c.livenessProbe;
            expect(live.httpGet ? text(live.httpGet.path) : Number(live.tcpSocket.port), nameOf(w)).toBe(expected.liveness);
            expect(text(c.readinessProbe.httpGet.path), nameOf(w)).toBe(expected.readiness);
            expect(c.startupProbe, nameOf(w)).toBeDefined();
        }
    });

    it("never gives a container the same liveness and readiness check", () => {
        for (const w of workloads(resources)) {
            for (const c of list(podSpec(w.inputs).containers)) {
                expect(JSON.stringify(c.livenessProbe.httpGet ?? c.livenessProbe.tcpSocket), nameOf(w)).not.toBe(
                    JSON.stringify(c.readinessProbe.httpGet),
                );
            }
        }
    });

    it("pins every image to a tag and a sha256 digest from an allowed upstream registry", () => {
        for (const w of workloads(resources)) {
            const image = text(container(w.inputs).image);
            expect(image).toMatch(
                /^(quay\.io\/prometheus|docker\.io\/(grafana|jaegertracing|otel)|registry\.k8s\.io\/kube-state-metrics)\/[a-z-]+:[A-Za-z0-9._-]+@sha256:[a-f0-9]{64}$/,
            );
        }
    });

    it("gives each workload its own ServiceAccount and mounts an API token only into Prometheus and kube-state-metrics", () => {
        for (const w of workloads(resources)) {
            const name = nameOf(w);
            const pod = podSpec(w.inputs);
            expect(pod.serviceAccountName, name).toBe(name);
            expect(object(resources, T.serviceAccount, name).automountServiceAccountToken, name).toBe(false);
            expect(pod.automountServiceAccountToken, name).toBe(name === "prometheus" || name === "kube-state-metrics");
        }
    });

    it("selects every workload with its own NetworkPolicy that governs both directions", () => {
        for (const name of workloadNames) {
            const np = object(resources, T.networkPolicy, name);
            expect(np.spec.podSelector, name).toEqual({ matchLabels: selectorOf(name) });
            expect(np.spec.policyTypes, name).toEqual(["Ingress", "Egress"]);
        }
    });

    it("never repeats the namespace's DNS allowance in a workload policy", () => {
        for (const np of ofType(resources, T.networkPolicy)) {
            const ports = list(np.inputs.spec.egress).flatMap((r) => list(r.ports));
            expect(
                ports.map((p) => Number(p.port)),
                nameOf(np),
            ).not.toContain(53);
        }
    });

    it("governs every StatefulSet by a headless Service of its namespace that selects its pods", () => {
        const statefulSets = ofType(resources, T.statefulSet);
        expect(statefulSets.map(nameOf).sort()).toEqual(["alertmanager", "grafana", "jaeger", "loki", "prometheus"]);
        for (const sts of statefulSets) {
            const svc = object(resources, T.service, text(sts.inputs.spec.serviceName), text(sts.inputs.metadata.namespace));
            expect(svc.spec.clusterIP, nameOf(sts)).toBe("None");
            expect(svc.spec.selector, nameOf(sts)).toEqual(sts.inputs.spec.selector.matchLabels);
        }
    });

    it("exposes the stack through ClusterIP Services only", () => {
        for (const svc of ofType(resources, T.service)) {
            expect(svc.inputs.spec.type, nameOf(svc)).toBe("ClusterIP");
        }
    });

    it("protects every replicated workload with a PodDisruptionBudget of maxUnavailable 1 that lets unhealthy pods go", () => {
        for (const name of ["prometheus", "alertmanager", "otel-collector", "kube-state-metrics"]) {
            const pdb = object(resources, T.pdb, name);
            expect(pdb.spec, name).toEqual({
                maxUnavailable: 1,
                selector: { matchLabels: selectorOf(name) },
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            });
        }
        expect(ofType(resources, T.pdb).map(nameOf).sort()).toEqual([
            "alertmanager",
            "kube-state-metrics",
            "otel-collector",
            "prometheus",
        ]);
    });

    it("keeps the Grafana admin password and the Slack webhook out of every ConfigMap", async () => {
        const password = await promiseOf(stack.grafanaAdminPassword);
        expect(password).toMatch(/^mock-password-/);
        for (const cm of ofType(resources, T.configMap)) {
            const json = JSON.stringify(cm.inputs);
            expect(json, nameOf(cm)).not.toContain(password);
            expect(json, nameOf(cm)).not.toContain(slackUrl);
            expect(json, nameOf(cm)).not.toContain("hooks.slack.com");
        }
    });

    it("keeps both secrets in Secrets, marked secret", () => {
        // The Kubernetes SDK marks a Secret's whole stringData secret.
        const slack = object(resources, T.secret, "alertmanager-slack");
        expect(isSecret(slack.stringData)).toBe(true);
        expect(reveal<Obj>(slack.stringData).url).toBe(slackUrl);
        const grafana = object(resources, T.secret, "grafana-admin");
        expect(isSecret(grafana.stringData)).toBe(true);
        expect(Object.keys(reveal<Obj>(grafana.stringData)).sort()).toEqual(["admin-password", "secret-key"]);
    });

    it("outputs the in-cluster endpoints and the admin password as a secret", async () => {
        expect(stack.grafanaUrl).toBe(`http://grafana.${ns}.svc.cluster.local:3000`);
        expect(stack.prometheusUrl).toBe(`http://prometheus.${ns}.svc.cluster.local:9090`);
        expect(stack.alertmanagerUrl).toBe(`http://alertmanager.${ns}.svc.cluster.local:9093`);
        expect(stack.jaegerUrl).toBe(`http://jaeger.${ns}.svc.cluster.local:16686`);
        expect(stack.otlpGrpcUrl).toBe(`http://otel-collector.${ns}.svc.cluster.local:4317`);
        expect(await pulumi.isSecret(stack.grafanaAdminPassword)).toBe(true);
    });

    it("wires the log shipper to Loki, the collector to Jaeger and Grafana to every backend", () => {
        const alloy = configText(resources, "log-shipper-config", "config.alloy");
        expect(alloy).toContain(`url = "http://loki.${ns}.svc.cluster.local:3100/loki/api/v1/push"`);
        const otel = configText(resources, "otel-collector-config", "config.yaml");
        expect(otel).toContain(`endpoint: jaeger.${ns}.svc.cluster.local:4317`);
        const ds = configText(resources, "grafana-datasources", "datasources.yaml");
        for (const url of ["prometheus", "loki", "jaeger", "alertmanager"]) expect(ds).toContain(`http://${url}.${ns}.svc`);
    });

    it("lets Alertmanager reach the internet on 443 because Slack is configured", () => {
        const egress = list(object(resources, T.networkPolicy, "alertmanager").spec.egress);
        const https = egress.find((r) => list(r.ports).some((p) => Number(p.port) === 443));
        expect(https?.to).toEqual([{ ipBlock: { cidr: "0.0.0.0/0", except: strings(https?.to[0].ipBlock.except) } }]);
        expect(strings(https?.to[0].ipBlock.except)).toContain("10.0.0.0/8");
    });
});
