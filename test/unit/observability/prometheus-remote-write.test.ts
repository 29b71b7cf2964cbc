// Prometheus's optional remote_write to an organisation's monitoring stack: the credential is a
// mounted file (never in the ConfigMap), only the platform's series leave by default, and Prometheus
// may reach exactly the endpoint's CIDRs on the URL's port.
import { beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../../model/catalog";
import { remoteWriteSecretsDirectory } from "../../../model/secrets";
import { Prometheus } from "../../../components/observability/prometheus";
import { observabilitySchema } from "../../../components/config/schema";
import { configYaml, container, list, Obj, ofType, podSpec, recordResources, reveal, settle, T, text } from "../harness";
import { settings } from "./settings";

const ns = "azora-observability";
const resources = recordResources();
const remoteWrite = {
    url: "https://metrics.example.org:8443/api/v1/push",
    auth: "basic" as const,
    username: "azora-prod",
    egressCidrs: ["203.0.113.0/24"],
};

beforeAll(async () => {
    new Prometheus("prometheus", {
        namespace: ns,
        environment: "prod",
        servicesNamespace: "azora",
        // The settings as the schema completes them (queue defaults, platformSeriesOnly).
        settings: {
            ...settings().prometheus,
            remoteWrite: observabilitySchema.shape.prometheus.shape.remoteWrite.unwrap().parse(remoteWrite),
        },
        services: catalog,
        ruleFiles: { "azora-slo.rules.yaml": "groups: []\n" },
        alertmanagerReplicas: 1,
        apiServerCidrs: ["10.96.0.1/32"],
        nodeCidrs: ["10.0.0.0/16"],
        kubelet: { verifyTls: false },
        edge: { proxyNamespace: "envoy-gateway-system", gateway: { name: "api-gateway", namespace: "azora" } },
        remoteWriteSecrets: { password: "s3cr3t" },
    });
    await settle(resources);
});

const entry = (): Obj => list(configYaml(resources, "prometheus-config", "prometheus.yml").remote_write)[0];

describe("Prometheus remote_write", () => {
    it("sends to the configured URL with basic auth whose password is a mounted file", () => {
        expect(text(entry().url)).toBe(remoteWrite.url);
        expect(entry().basic_auth).toEqual({ username: "azora-prod", password_file: `${remoteWriteSecretsDirectory}/password` });
    });

    it("keeps the credential out of the ConfigMap and in a Secret mounted read-only", () => {
        const configMap = JSON.stringify(ofType(resources, T.configMap).map((c) => c.inputs));
        expect(configMap).not.toContain("s3cr3t");
        const secret = ofType(resources, T.secret).find((s) => text(s.inputs.metadata.name) === "prometheus-remote-write");
        expect(secret, "the remote-write Secret").toBeDefined();
        expect(reveal<Obj>(secret!.inputs.stringData).password).toBe("s3cr3t");
        const sts = ofType(resources, T.statefulSet)[0].inputs;
        const mount = list(container(sts).volumeMounts).find((m) => text(m.name) === "remote-write");
        expect(mount).toEqual({ name: "remote-write", mountPath: remoteWriteSecretsDirectory, readOnly: true });
        const volume = list(podSpec(sts).volumes).find((v) => text(v.name) === "remote-write");
        expect(volume?.secret.defaultMode).toBe(0o440);
    });

    it("uses Prometheus's own queue defaults unless the stack sets them", () => {
        expect(entry().queue_config).toEqual({ capacity: 10000, max_shards: 50, max_samples_per_send: 2000 });
    });

    it("sends only the platform's jobs and its recording rules by default", () => {
        const [keep] = list(entry().write_relabel_configs);
        expect(keep.action).toBe("keep");
        const regex = new RegExp(`^(?:${text(keep.regex)})$`);
        expect(regex.test("azora-pay;http_requests_total")).toBe(true);
        expect(regex.test("kubelet;container_cpu_usage_seconds_total")).toBe(true);
        expect(regex.test(";job:azora_slo_objective:ratio")).toBe(true);
        expect(regex.test("someone-elses-app;http_requests_total")).toBe(false);
    });

    it("lets Prometheus reach exactly the endpoint's CIDRs on the URL's port", () => {
        const policy = ofType(resources, T.networkPolicy).find((p) => text(p.inputs.metadata.name) === "prometheus")!.inputs;
        const rule = list(policy.spec.egress).find((r) => list(r.to).some((p) => text(p.ipBlock?.cidr) === "203.0.113.0/24"));
        expect(rule?.ports).toEqual([{ protocol: "TCP", port: 8443 }]);
    });
});

describe("remote_write settings", () => {
    const parse = (rw: Record<string, unknown>) =>
        observabilitySchema.safeParse({
            prometheus: { persistence: { size: "50Gi" }, remoteWrite: rw },
            alertmanager: { receiver: { type: "none" } },
            grafana: { persistence: { size: "5Gi" } },
            loki: { persistence: { size: "50Gi" } },
            jaeger: { persistence: { size: "10Gi" } },
            otelCollector: {},
        });

    it("refuses a plain-http endpoint, naming the field", () => {
        const r = parse({ ...remoteWrite, url: "http://metrics.example.org/api/v1/push" });
        expect(r.success).toBe(false);
        expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["prometheus.remoteWrite.url"]);
    });

    it("refuses an endpoint without egress CIDRs", () => {
        const r = parse({ url: remoteWrite.url });
        expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["prometheus.remoteWrite.egressCidrs"]);
    });

    it("is off unless set", () => {
        expect(settings().prometheus.remoteWrite).toBeUndefined();
    });
});
