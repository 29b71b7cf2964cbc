// Prometheus: scrape jobs derived from the catalog, HA pair alerting every Alertmanager pod,
// read-only namespaced discovery RBAC, and egress to exactly what it scrapes.
import { beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../../model/catalog";
import { Prometheus } from "../../../components/observability/prometheus";
import { observabilityWorkloads as w } from "../../../model/workloads";
import { certManagerNamespace, certManagerScrape, envoyProxyScrape } from "../../../model/edge-metrics";
import {
    configYaml,
    container,
    list,
    object,
    Obj,
    ofType,
    podSpec,
    recordResources,
    selectorOf,
    settle,
    strings,
    T,
    text,
} from "../harness";
import { settings } from "./settings";

const ns = "azora-observability";
const servicesNs = "azora";
const apiServerCidrs = ["10.96.0.1/32"];
const nodeCidrs = ["10.0.0.0/16"];
const kubelet = { verifyTls: false };
const edge = { proxyNamespace: "envoy-gateway-system", gateway: { name: "api-gateway", namespace: servicesNs } };
const resources = recordResources();
const rules = { "azora-slo.rules.yaml": "groups: []\n", "azora-stack.rules.yaml": "groups: []\n" };

beforeAll(async () => {
    new Prometheus("prometheus", {
        namespace: ns,
        environment: "prod",
        servicesNamespace: servicesNs,
        settings: settings({ prometheus: { replicas: 2, retentionTime: "30d", retentionSize: "45GB" } }).prometheus,
        services: catalog,
        ruleFiles: rules,
        alertmanagerReplicas: 3,
        apiServerCidrs,
        nodeCidrs,
        kubelet,
        edge,
    });
    await settle(resources);
});

const config = (): Obj => configYaml(resources, "prometheus-config", "prometheus.yml");
const job = (name: string): Obj => {
    const found = list(config().scrape_configs).find((j) => text(j.job_name) === name);
    if (!found) throw new Error(`no scrape job ${name}`);
    return found;
};

describe("Prometheus scrape configuration", () => {
    it("has one job per catalog service, named after it", () => {
        const jobs = list(config().scrape_configs).map((j) => text(j.job_name));
        for (const s of catalog) expect(jobs).toContain(s.name);
    });

    it("scrapes each service's catalog port at /metrics, in the services namespace only", () => {
        for (const s of catalog) {
            const j = job(s.name);
            expect(j.metrics_path).toBe("/metrics");
            expect(j.kubernetes_sd_configs).toEqual([{ role: "endpointslice", namespaces: { names: [servicesNs] } }]);
            expect(list(j.relabel_configs)[0]).toEqual({
                action: "keep",
                source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port"],
                regex: `${s.name};${s.port}`,
            });
        }
    });

    it("labels every pod target with namespace and pod (job comes from the job name)", () => {
        // The kubelet jobs' targets are nodes: they get node and metrics_path instead (exporters.test.ts).
        for (const j of list(config().scrape_configs).filter((j) => !text(j.job_name).startsWith("kubelet"))) {
            const targets = list(j.relabel_configs).map((r) => text(r.target_label));
            expect(targets).toEqual(expect.arrayContaining(["namespace", "pod"]));
        }
    });

    it("scrapes the stack itself under the workload names", () => {
        const jobs = list(config().scrape_configs).map((j) => text(j.job_name));
        expect(jobs).toEqual(
            expect.arrayContaining(["prometheus", "alertmanager", "grafana", "loki", "log-shipper", "jaeger", "otel-collector"]),
        );
        expect(job("jaeger").relabel_configs[0].regex).toBe("jaeger;8888");
        expect(job("otel-collector").relabel_configs[0].regex).toBe("otel-collector;8888");
        expect(job("otel-collector-spanmetrics").relabel_configs[0].regex).toBe("otel-collector;8889");
        expect(job("log-shipper").relabel_configs[0].regex).toBe("log-shipper;2020");
        expect(job("loki").kubernetes_sd_configs[0].namespaces.names).toEqual([ns]);
    });

    it("scrapes only the platform Gateway's Envoy proxies, by their pods, on the stats port", () => {
        const proxies = job(envoyProxyScrape.job);
        expect(proxies.metrics_path).toBe("/stats/prometheus");
        expect(proxies.kubernetes_sd_configs).toEqual([
            {
                role: "pod",
                namespaces: { names: [edge.proxyNamespace] },
                selectors: [
                    {
                        role: "pod",
                        label: `gateway.envoyproxy.io/owning-gateway-name=api-gateway,gateway.envoyproxy.io/owning-gateway-namespace=${servicesNs}`,
                    },
                ],
            },
        ]);
        expect(list(proxies.relabel_configs)[0]).toEqual({
            action: "keep",
            source_labels: ["__meta_kubernetes_pod_container_port_number"],
            regex: String(envoyProxyScrape.port),
        });
    });

    it("names each per-route series' HTTPRoute in a route label, taken from Envoy's cluster name", () => {
        const [relabel] = list(job(envoyProxyScrape.job).metric_relabel_configs);
        const routeOf = (cluster: string): string | undefined => new RegExp(`^(?:${text(relabel.regex)})$`).exec(cluster)?.[1];
        expect(relabel.target_label).toBe("route");
        expect(routeOf(`httproute/${servicesNs}/api-gateway-payments/rule/0`)).toBe("api-gateway-payments");
        expect(routeOf("prometheus_stats")).toBeUndefined();
    });

    it("scrapes cert-manager's controller pod for the certificates' expiry and readiness", () => {
        const certs = job(certManagerScrape.job);
        expect(certs.kubernetes_sd_configs).toEqual([
            {
                role: "pod",
                namespaces: { names: [certManagerNamespace] },
                selectors: [{ role: "pod", label: "app.kubernetes.io/component=controller" }],
            },
        ]);
        expect(list(certs.relabel_configs)[0].regex).toBe("9402");
    });

    it("sends alerts to every Alertmanager pod through the headless Service and drops the replica label first", () => {
        const alerting = config().alerting;
        expect(alerting.alertmanagers[0].static_configs[0].targets).toEqual(
            [0, 1, 2].map((i) => `alertmanager-${i}.alertmanager-headless.${ns}.svc.cluster.local:9093`),
        );
        expect(alerting.alert_relabel_configs).toEqual([{ action: "labeldrop", regex: "prometheus_replica" }]);
        expect(config().global.external_labels).toEqual({ environment: "prod", prometheus_replica: "${POD_NAME}" });
    });

    it("loads every rule file from the rules ConfigMap mounted at /etc/prometheus/rules", () => {
        expect(strings(config().rule_files)).toEqual(
            Object.keys(rules)
                .sort()
                .map((f) => `/etc/prometheus/rules/${f}`),
        );
        expect(object(resources, T.configMap, "prometheus-rules").data).toEqual(rules);
        const mounts = list(container(object(resources, T.statefulSet, "prometheus")).volumeMounts);
        expect(mounts).toContainEqual({ name: "rules", mountPath: "/etc/prometheus/rules", readOnly: true });
    });
});

describe("Prometheus workload", () => {
    const sts = (): Obj => object(resources, T.statefulSet, "prometheus");

    it("runs the configured replicas as a StatefulSet with a PodDisruptionBudget", () => {
        expect(sts().spec.replicas).toBe(2);
        expect(object(resources, T.pdb, "prometheus").spec.maxUnavailable).toBe(1);
    });

    it("sets retention time and size and leaves the lifecycle and admin APIs off", () => {
        const args = strings(container(sts()).args);
        expect(args).toContain("--storage.tsdb.retention.time=30d");
        expect(args).toContain("--storage.tsdb.retention.size=45GB");
        expect(args.join(" ")).not.toMatch(/enable-lifecycle|enable-admin-api/);
    });

    it("keeps its TSDB on a claim template when persistence is enabled", () => {
        const claims = list(sts().spec.volumeClaimTemplates);
        expect(claims).toHaveLength(1);
        expect(claims[0].spec.resources.requests.storage).toBe("50Gi");
        expect(list(podSpec(sts()).volumes).map((v) => text(v.name))).not.toContain("data");
    });

    it("rolls its pods when the configuration or a rule changes", () => {
        expect(text(sts().spec.template.metadata.annotations["checksum/config"])).toMatch(/^[a-f0-9]{64}$/);
    });

    it("mounts the API token on the pod spec, not through its ServiceAccount", () => {
        expect(podSpec(sts()).automountServiceAccountToken).toBe(true);
        expect(object(resources, T.serviceAccount, "prometheus").automountServiceAccountToken).toBe(false);
    });
});

describe("Prometheus discovery RBAC", () => {
    it("is a read-only Role in each scraped namespace, bound to its ServiceAccount, without wildcards", () => {
        const roles = ofType(resources, T.role).map((r) => r.inputs);
        expect(roles.map((r) => text(r.metadata.namespace)).sort()).toEqual(
            [servicesNs, ns, edge.proxyNamespace, certManagerNamespace].sort(),
        );
        for (const role of roles.filter((r) => [servicesNs, ns].includes(text(r.metadata.namespace)))) {
            for (const rule of list(role.rules)) {
                expect(strings(rule.verbs)).toEqual(["get", "list", "watch"]);
                expect(JSON.stringify(rule)).not.toContain("*");
            }
            expect(
                list(role.rules)
                    .flatMap((r) => strings(r.resources))
                    .sort(),
            ).toEqual(["endpointslices", "pods", "services"]);
        }
        for (const role of roles.filter((r) => !([servicesNs, ns] as string[]).includes(text(r.metadata.namespace)))) {
            // The edge's namespaces are the controllers': pods, read-only, and nothing else.
            expect(role.rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]);
        }
        for (const binding of ofType(resources, T.roleBinding).map((r) => r.inputs)) {
            expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "prometheus", namespace: ns }]);
            expect(binding.roleRef.kind).toBe("Role");
        }
        // Its one ClusterRole reads only the nodes (exporters.test.ts).
        const clusterRoles = resources.filter((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
        expect(clusterRoles.flatMap((r) => list(r.inputs.rules).flatMap((rule) => strings(rule.resources)))).toEqual([
            "nodes",
            "nodes/metrics",
        ]);
    });
});

describe("Prometheus NetworkPolicy", () => {
    const np = (): Obj => object(resources, T.networkPolicy, "prometheus");

    it("accepts queries only from Grafana and scrapes from its own replicas", () => {
        expect(np().spec.ingress).toEqual([
            {
                from: [
                    { podSelector: { matchLabels: selectorOf("grafana") } },
                    { podSelector: { matchLabels: selectorOf("prometheus") } },
                ],
                ports: [{ protocol: "TCP", port: 9090 }],
            },
        ]);
    });

    it("reaches the services namespace on exactly the catalog ports", () => {
        const rule = list(np().spec.egress).find((r) => r.to[0].namespaceSelector !== undefined);
        expect(rule?.to).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": servicesNs } } }]);
        expect(list(rule?.ports).map((p) => Number(p.port))).toEqual(catalog.map((s) => s.port).sort((a, b) => a - b));
    });

    it("reaches each stack component on its metrics port, Alertmanager, and the API server", () => {
        const egress = list(np().spec.egress);
        const portsTo = (name: string): number[] =>
            egress
                .filter((r) => JSON.stringify(r.to) === JSON.stringify([{ podSelector: { matchLabels: selectorOf(name) } }]))
                .flatMap((r) => list(r.ports).map((p) => Number(p.port)));
        expect(portsTo("alertmanager")).toEqual([w.alertmanager.port]);
        expect(portsTo("jaeger")).toEqual([w.jaeger.metricsPort]);
        expect(portsTo("otel-collector")).toEqual([w.otelCollector.metricsPort, w.otelCollector.spanMetricsPort]);
        expect(portsTo("log-shipper")).toEqual([w.logShipper.port]);
        const api = egress.find((r) => r.to[0].ipBlock !== undefined);
        expect(list(api?.ports).map((p) => Number(p.port))).toEqual([443, 6443]);
    });

    it("reaches the edge's proxies and cert-manager in their namespaces on their metrics ports only", () => {
        const toNamespace = (name: string) =>
            list(np().spec.egress)
                .filter((r) => JSON.stringify(r.to) === JSON.stringify([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } }]))
                .flatMap((r) => list(r.ports).map((p) => Number(p.port)));
        expect(toNamespace(edge.proxyNamespace)).toEqual([envoyProxyScrape.port]);
        expect(toNamespace(certManagerNamespace)).toEqual([certManagerScrape.port]);
    });

    it("reaches the API server and the nodes only at the addresses it is given", () => {
        const api = list(np().spec.egress).filter((r) => list(r.to).some((peer) => peer.ipBlock !== undefined));
        expect(api.map((r) => r.to)).toEqual([
            apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })),
        ]);
    });
});

describe("Prometheus arguments", () => {
    it("refuses a rule file name that would not load as a rule file", () => {
        expect(
            () =>
                new Prometheus("bad", {
                    namespace: ns,
                    environment: "dev",
                    servicesNamespace: servicesNs,
                    settings: settings().prometheus,
                    services: catalog,
                    ruleFiles: { "../escape": "groups: []" },
                    alertmanagerReplicas: 1,
                    apiServerCidrs,
                    nodeCidrs,
                    kubelet,
                    edge,
                }),
        ).toThrow(/rule file name/);
    });
});
