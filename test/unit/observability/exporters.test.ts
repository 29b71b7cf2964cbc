// The cluster's exporters: kube-state-metrics reads exactly the kinds it reports, the node exporter
// reads the host read-only and nothing else, and Prometheus scrapes both and every kubelet under the
// job names the Kubernetes alerts select, with the RBAC and egress that needs and nothing more.
import { beforeAll, describe, expect, it } from "vitest";
import { images } from "../../../components/observability/images";
import { KubeStateMetrics, kubeStateMetricsResources } from "../../../components/observability/kube-state-metrics";
import { NodeExporter, nodeExporterExemption } from "../../../components/observability/node-exporter";
import { Prometheus } from "../../../components/observability/prometheus";
import { catalog } from "../../../model/catalog";
import { kubeStateMetricsLabelsAllowlistFlag } from "../../../model/cluster-metrics";
import { clusterExporters, exporterJobs } from "../../../model/workloads";
import {
    configYaml,
    container,
    list,
    object,
    type Obj,
    podSpec,
    recordResources,
    selectorOf,
    settle,
    strings,
    text,
} from "../harness";
import { settings } from "./settings";

const ns = "azora-observability";
const agentsNs = "azora-logging";
const apiServerCidrs = ["10.96.0.1/32"];
const nodeCidrs = ["10.0.0.0/16"];
const resources = recordResources();
const clusterRole = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const clusterRoleBinding = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ksm = clusterExporters.kubeStateMetrics;
const nodeExporter = clusterExporters.nodeExporter;

beforeAll(async () => {
    new KubeStateMetrics("ksm", { namespace: ns, environment: "dev", apiServerCidrs });
    new NodeExporter("node-exporter", { namespace: agentsNs, environment: "dev", stackNamespace: ns });
    new Prometheus("prometheus", {
        namespace: ns,
        environment: "dev",
        servicesNamespace: "azora",
        logShipperNamespace: agentsNs,
        settings: settings().prometheus,
        services: catalog,
        ruleFiles: { "a.rules.yaml": "groups: []\n" },
        alertmanagerReplicas: 1,
        apiServerCidrs,
        nodeCidrs,
        kubelet: { verifyTls: false },
        edge: { proxyNamespace: "envoy-gateway-system", gateway: { name: "api-gateway", namespace: "azora" } },
    });
    await settle(resources);
});

const ksmDeployment = (): Obj => object(resources, "kubernetes:apps/v1:Deployment", ksm.name);
const nodeDaemonSet = (): Obj => object(resources, "kubernetes:apps/v1:DaemonSet", nodeExporter.name);
const rulesOf = (role: Obj) =>
    list(role.rules).map((r) => ({ apiGroups: strings(r.apiGroups), resources: strings(r.resources), verbs: strings(r.verbs) }));
const netpol = (name: string, namespace: string): Obj =>
    object(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name, namespace);
const scrapeJobs = (): Obj[] => list(configYaml(resources, "prometheus-config", "prometheus.yml").scrape_configs);
const job = (name: string): Obj => {
    const found = scrapeJobs().find((j) => text(j.job_name) === name);
    if (!found) throw new Error(`no scrape job ${name}`);
    return found;
};

describe("kube-state-metrics", () => {
    it("may only list and watch the kinds it reports, cluster-wide", () => {
        expect(rulesOf(object(resources, clusterRole, `${ns}-${ksm.name}`))).toEqual([
            {
                apiGroups: [""],
                resources: ["pods", "nodes", "namespaces", "persistentvolumeclaims", "persistentvolumes", "resourcequotas"],
                verbs: ["list", "watch"],
            },
            {
                apiGroups: ["apps"],
                resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
                verbs: ["list", "watch"],
            },
            { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["list", "watch"] },
            { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: ["list", "watch"] },
            { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["list", "watch"] },
        ]);
    });

    it("is told to report exactly the kinds its role lets it read", () => {
        const flag = strings(container(ksmDeployment()).args).find((a) => a.startsWith("--resources="));
        expect(flag?.slice("--resources=".length).split(",")).toEqual(Object.values(kubeStateMetricsResources).flat().sort());
    });

    it("exports the Job labels the Kubernetes alerts join on", () => {
        expect(strings(container(ksmDeployment()).args)).toContain(
            `--metric-labels-allowlist=${kubeStateMetricsLabelsAllowlistFlag()}`,
        );
    });

    it("binds its role to its own ServiceAccount only, and mounts that account's token", () => {
        const binding = object(resources, clusterRoleBinding, `${ns}-${ksm.name}`);
        expect(binding.roleRef).toEqual({
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: `${ns}-${ksm.name}`,
        });
        expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: ksm.name, namespace: ns }]);
        expect(podSpec(ksmDeployment()).automountServiceAccountToken).toBe(true);
        expect(podSpec(ksmDeployment()).serviceAccountName).toBe(ksm.name);
    });

    it("runs its pinned image as a non-root UID of its own, read-only and without capabilities", () => {
        expect(text(container(ksmDeployment()).image)).toBe(
            `${images.kubeStateMetrics.repository}:${images.kubeStateMetrics.tag}@${images.kubeStateMetrics.digest}`,
        );
        expect(container(ksmDeployment()).securityContext).toMatchObject({
            runAsNonRoot: true,
            runAsUser: images.kubeStateMetrics.uid,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
    });

    it("holds one replica through its autoscaler, with a budget that never blocks a drain", () => {
        const hpa = object(resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", ksm.name);
        expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 1, scaleTargetRef: { kind: "Deployment" } });
        expect(object(resources, "kubernetes:policy/v1:PodDisruptionBudget", ksm.name).spec).toMatchObject({ maxUnavailable: 1 });
    });

    it("is reached only by Prometheus and reaches only the API server", () => {
        const policy = netpol(ksm.name, ns).spec;
        expect(policy.ingress).toEqual([
            {
                from: [{ podSelector: { matchLabels: selectorOf("prometheus") } }],
                ports: [
                    { protocol: "TCP", port: ksm.port },
                    { protocol: "TCP", port: ksm.telemetryPort },
                ],
            },
        ]);
        expect(policy.egress).toEqual([
            {
                to: [{ ipBlock: { cidr: "10.96.0.1/32" } }],
                ports: [
                    { protocol: "TCP", port: 443 },
                    { protocol: "TCP", port: 6443 },
                ],
            },
        ]);
    });
});

describe("node exporter", () => {
    it("mounts the host's /proc, /sys and / read-only, and no other host path", () => {
        const hostPaths = list(podSpec(nodeDaemonSet()).volumes).filter((v) => v.hostPath !== undefined);
        expect(hostPaths.map((v) => text(v.hostPath.path))).toEqual(["/proc", "/sys", "/"]);
        const mounts = list(container(nodeDaemonSet()).volumeMounts).filter((m) => text(m.mountPath).startsWith("/host/"));
        expect(mounts).toHaveLength(3);
        for (const m of mounts) expect(m.readOnly).toBe(true);
        expect(mounts.find((m) => text(m.mountPath) === "/host/root")?.mountPropagation).toBe("HostToContainer");
    });

    it("reads the mounted host filesystems, not its own container's", () => {
        expect(strings(container(nodeDaemonSet()).args)).toEqual(
            expect.arrayContaining(["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root"]),
        );
    });

    it("shares no host namespace, holds no token and runs non-root without capabilities", () => {
        const pod = podSpec(nodeDaemonSet());
        expect(pod.hostNetwork).toBeUndefined();
        expect(pod.hostPID).toBeUndefined();
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(container(nodeDaemonSet()).securityContext).toMatchObject({
            runAsUser: images.nodeExporter.uid,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
    });

    it("runs on every node, tainted or not", () => {
        expect(podSpec(nodeDaemonSet()).tolerations).toEqual([{ operator: "Exists" }]);
    });

    it("describes its policy exemption as exactly its host paths, read-only, with a reason", () => {
        expect(nodeExporterExemption).toMatchObject({ kind: "DaemonSet", name: nodeExporter.name });
        expect(nodeExporterExemption.hostPaths).toEqual([
            { path: "/proc", readOnly: true },
            { path: "/sys", readOnly: true },
            { path: "/", readOnly: true },
        ]);
        expect(nodeExporterExemption.reason.length).toBeGreaterThan(80);
    });

    it("is reached only by Prometheus in the stack's namespace, and reaches nothing", () => {
        const policy = netpol(nodeExporter.name, agentsNs).spec;
        expect(policy.ingress).toEqual([
            {
                from: [
                    {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
                        podSelector: { matchLabels: selectorOf("prometheus") },
                    },
                ],
                ports: [{ protocol: "TCP", port: nodeExporter.port }],
            },
        ]);
        expect(policy.egress).toEqual([]);
    });
});

describe("Prometheus and the exporters", () => {
    it("scrapes kube-state-metrics under its job, keeping the series' own namespace and pod labels", () => {
        const j = job(exporterJobs.kubeStateMetrics);
        expect(j.honor_labels).toBe(true);
        expect(list(j.relabel_configs)[0]).toMatchObject({ action: "keep", regex: `${ksm.name};${ksm.port}` });
    });

    it("scrapes the node exporter under its job in the node-agents namespace, one target per node named after it", () => {
        const j = job(exporterJobs.nodeExporter);
        expect(j.kubernetes_sd_configs).toEqual([{ role: "endpointslice", namespaces: { names: [agentsNs] } }]);
        const relabels = list(j.relabel_configs);
        for (const label of ["instance", "node"]) {
            expect(relabels).toContainEqual({
                action: "replace",
                source_labels: ["__meta_kubernetes_pod_node_name"],
                target_label: label,
            });
        }
    });

    it("scrapes each kubelet's three endpoints as job kubelet, told apart by metrics_path", () => {
        const kubelet = clusterExporters.kubelet;
        const kubeletJobs = scrapeJobs().filter((j) => text(j.job_name).startsWith(kubelet.name));
        expect(kubeletJobs.map((j) => text(j.metrics_path))).toEqual(Object.values(kubelet.metricsPaths));
        for (const j of kubeletJobs) {
            expect(j).toMatchObject({ scheme: "https", kubernetes_sd_configs: [{ role: "node" }] });
            expect(j.authorization).toEqual({
                type: "Bearer",
                credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token",
            });
            expect(list(j.relabel_configs)).toContainEqual({ action: "replace", replacement: "kubelet", target_label: "job" });
            expect(list(j.relabel_configs)).toContainEqual({
                action: "replace",
                source_labels: ["__metrics_path__"],
                target_label: "metrics_path",
            });
        }
    });

    it("skips kubelet certificate verification only when told the kubelets' certificates cannot be verified", () => {
        expect(job("kubelet").tls_config).toEqual({
            ca_file: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
            insecure_skip_verify: true,
        });
    });

    it("reads the nodes and their kubelet metrics through a ClusterRole, never nodes/proxy", () => {
        const role = object(resources, clusterRole, `${ns}-prometheus-node-metrics`);
        expect(rulesOf(role)).toEqual([
            { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
            { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
        ]);
        expect(object(resources, clusterRoleBinding, `${ns}-prometheus-node-metrics`).subjects).toEqual([
            { kind: "ServiceAccount", name: "prometheus", namespace: ns },
        ]);
    });

    it("may reach the nodes only on the kubelet port, and the exporters only on theirs", () => {
        const egress = list(netpol("prometheus", ns).spec.egress);
        expect(egress).toContainEqual({
            to: nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ protocol: "TCP", port: clusterExporters.kubelet.port }],
        });
        expect(egress).toContainEqual({
            to: [{ podSelector: { matchLabels: selectorOf(ksm.name) } }],
            ports: [
                { protocol: "TCP", port: ksm.port },
                { protocol: "TCP", port: ksm.telemetryPort },
            ],
        });
        expect(egress).toContainEqual({
            to: [
                {
                    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": agentsNs } },
                    podSelector: { matchLabels: selectorOf(nodeExporter.name) },
                },
            ],
            ports: [{ protocol: "TCP", port: nodeExporter.port }],
        });
    });
});
