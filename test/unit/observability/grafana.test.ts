// Grafana: linked datasources under the shared UIDs, dashboards from ConfigMaps, a generated admin
// password that exists only in a Secret, and a locked-down grafana.ini.
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { datasources } from "../../../model/datasources";
import { Grafana, dashboardSlug } from "../../../components/observability/grafana";
import { configText, configYaml, container, list, object, Obj, ofType, podSpec, promiseOf, recordResources, selectorOf, settle, strings, T, text } from "../harness";
import { settings } from "./settings";

const ns = "azora-observability";
const resources = recordResources();
const dashboards = {
    "azora-system-overview.json": '{"uid":"azora-system-overview"}',
    "azora-security.json": '{"uid":"azora-security"}',
};
let grafana: Grafana;

beforeAll(async () => {
    grafana = new Grafana("grafana", {
        namespace: ns,
        environment: "staging",
        replicas: 1,
        persistence: settings().grafana.persistence,
        dashboards,
        edgeProxyNamespace: "envoy-gateway-system",
    });
    await settle(resources);
});

const byUid = (uid: string): Obj => {
    const found = list(configYaml(resources, "grafana-datasources", "datasources.yaml").datasources).find(
        (d) => text(d.uid) === uid,
    );
    if (!found) throw new Error(`no datasource ${uid}`);
    return found;
};

describe("Grafana datasources", () => {
    it("provisions Prometheus, Loki, Jaeger and Alertmanager under the UIDs the dashboards use", () => {
        for (const ds of Object.values(datasources)) {
            expect(byUid(ds.uid).type).toBe(ds.type);
            expect(byUid(ds.uid).editable).toBe(false);
        }
    });

    it("links Prometheus exemplars to Jaeger traces", () => {
        expect(byUid(datasources.prometheus.uid).jsonData.exemplarTraceIdDestinations).toEqual([
            { name: "trace_id", datasourceUid: datasources.jaeger.uid },
        ]);
    });

    it("derives a Jaeger link from the trace_id in Loki lines, escaping $ from Grafana's interpolation", () => {
        const field = list(byUid(datasources.loki.uid).jsonData.derivedFields)[0];
        expect(field.datasourceUid).toBe(datasources.jaeger.uid);
        expect(field.url).toBe("$${__value.raw}");
        const match = new RegExp(text(field.matcherRegex)).exec('{"msg":"ok","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}');
        expect(match?.[1]).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    });

    it("links Jaeger spans to the service's Loki logs by the app label", () => {
        expect(byUid(datasources.jaeger.uid).jsonData.tracesToLogsV2).toMatchObject({
            datasourceUid: datasources.loki.uid,
            filterByTraceID: true,
            tags: [{ key: "service.name", value: "app" }],
        });
    });
});

describe("Grafana dashboards", () => {
    it("puts each dashboard in its own ConfigMap, all projected into the provider's directory", () => {
        const sts = object(resources, T.statefulSet, "grafana");
        const projected = list(podSpec(sts).volumes).find((v) => text(v.name) === "dashboards");
        expect(list(projected?.projected.sources).map((s) => text(s.configMap.name)).sort()).toEqual([
            "grafana-dashboard-azora-security",
            "grafana-dashboard-azora-system-overview",
        ]);
        expect(object(resources, T.configMap, "grafana-dashboard-azora-security").data).toEqual({
            "azora-security.json": dashboards["azora-security.json"],
        });
        const provider = parse(configText(resources, "grafana-dashboard-provider", "azora.yaml")) as Obj;
        expect(provider.providers[0].options.path).toBe("/etc/grafana/dashboards");
        expect(list(container(sts).volumeMounts)).toContainEqual({
            name: "dashboards",
            mountPath: "/etc/grafana/dashboards",
            readOnly: true,
        });
    });

    it("turns dashboard keys into DNS-safe names", () => {
        expect(dashboardSlug("Service Overview.json")).toBe("service-overview");
    });
});

describe("Grafana security", () => {
    it("generates the admin password and exports it as a secret", async () => {
        const passwords = ofType(resources, T.randomPassword).map((r) => r.inputs);
        expect(passwords.every((p) => Number(p.length) >= 32)).toBe(true);
        expect(await pulumi.isSecret(grafana.adminPassword)).toBe(true);
        expect(await promiseOf(grafana.adminPassword)).toMatch(/^mock-password-grafana-admin-password$/);
    });

    it("hands the password and secret key to Grafana as files from the Secret, never as values", () => {
        const sts = object(resources, T.statefulSet, "grafana");
        const env = list(container(sts).env);
        expect(env).toContainEqual({ name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: "/etc/grafana/secrets/admin-password" });
        expect(env).toContainEqual({ name: "GF_SECURITY_SECRET_KEY__FILE", value: "/etc/grafana/secrets/secret-key" });
        expect(env.some((e) => /PASSWORD$|SECRET_KEY$/.test(text(e.name)))).toBe(false);
        const secretVolume = list(podSpec(sts).volumes).find((v) => text(v.name) === "secrets");
        expect(secretVolume?.secret.secretName).toBe("grafana-admin");
    });

    it("keeps the password out of grafana.ini and every ConfigMap", async () => {
        const password = await promiseOf(grafana.adminPassword);
        for (const cm of ofType(resources, T.configMap)) expect(JSON.stringify(cm.inputs)).not.toContain(password);
        expect(configText(resources, "grafana-config", "grafana.ini")).not.toMatch(/admin_password|secret_key/);
    });

    it("disables anonymous access, sign-up, analytics and update checks, and sets secure cookies", () => {
        const ini = configText(resources, "grafana-config", "grafana.ini");
        const section = (name: string): string => ini.split(`[${name}]`)[1].split("\n[")[0];
        expect(section("auth.anonymous")).toContain("enabled = false");
        expect(section("users")).toContain("allow_sign_up = false");
        expect(section("analytics")).toMatch(/reporting_enabled = false[\s\S]*check_for_updates = false[\s\S]*check_for_plugin_updates = false/);
        expect(section("security")).toContain("cookie_secure = true");
    });

    it("refuses more than one replica on sqlite", () => {
        expect(
            () =>
                new Grafana("grafana-ha", {
                    namespace: "x",
                    environment: "prod",
                    replicas: 2,
                    persistence: settings().grafana.persistence,
                    dashboards: {},
                    edgeProxyNamespace: "envoy-gateway-system",
                }),
        ).toThrow(/replicas must be 1/);
    });
});

describe("Grafana workload and network", () => {
    it("keeps its sqlite database on a claim template when persistence is enabled", () => {
        const sts = object(resources, T.statefulSet, "grafana");
        expect(sts.spec.replicas).toBe(1);
        expect(list(sts.spec.volumeClaimTemplates).map((c) => text(c.metadata.name))).toEqual(["data"]);
        expect(list(container(sts).volumeMounts)).toContainEqual({ name: "data", mountPath: "/var/lib/grafana" });
    });

    it("is reachable from the ingress controller's namespace and from Prometheus only", () => {
        const np = object(resources, T.networkPolicy, "grafana");
        expect(np.spec.ingress).toEqual([
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } } }],
                ports: [{ protocol: "TCP", port: 3000 }],
            },
            { from: [{ podSelector: { matchLabels: selectorOf("prometheus") } }], ports: [{ protocol: "TCP", port: 3000 }] },
        ]);
    });

    it("reaches exactly its four datasources", () => {
        const np = object(resources, T.networkPolicy, "grafana");
        const to = list(np.spec.egress).map((r) => `${text(r.to[0].podSelector.matchLabels["app.kubernetes.io/name"])}:${strings(list(r.ports).map((p) => p.port)).join()}`);
        expect(to).toEqual(["prometheus:9090", "loki:3100", "jaeger:16686", "alertmanager:9093"]);
    });
});
