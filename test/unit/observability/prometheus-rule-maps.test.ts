// Rule files that outgrow one ConfigMap: Prometheus packs them into as many as needed and mounts
// them as one rules directory, so a growing catalog never meets the API server's 1 MiB limit.
import { beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../../model/catalog";
import { configMapDataBudgetBytes, packFiles } from "../../../components/k8s/config-maps";
import { Prometheus } from "../../../components/observability/prometheus";
import { configYaml, list, object, ofType, podSpec, recordResources, settle, strings, T, text, type Obj } from "../harness";
import { settings } from "./settings";

const ns = "azora-observability";
/** A rule file of `kib` KiB (the content does not matter to the component). */
const ruleFile = (kib: number): string => `groups: []\n#${"x".repeat(kib * 1024)}\n`;
const rules = { "a.rules.yaml": ruleFile(600), "b.rules.yaml": ruleFile(500), "c.rules.yaml": ruleFile(200) };

const resources = recordResources();
beforeAll(async () => {
    new Prometheus("prometheus", {
        namespace: ns,
        environment: "dev",
        servicesNamespace: "azora",
        settings: settings().prometheus,
        services: catalog,
        ruleFiles: rules,
        alertmanagerReplicas: 1,
        apiServerCidrs: ["10.96.0.1/32"],
        nodeCidrs: ["10.0.0.0/16"],
        kubelet: { verifyTls: false },
        edge: { proxyNamespace: "envoy-gateway-system", gateway: { name: "api-gateway", namespace: "azora" } },
    });
    await settle(resources);
});

const dataOf = (cm: Obj): Record<string, string> => cm.data as unknown as Record<string, string>;
const dataBytes = (cm: Obj): number => Object.values(dataOf(cm)).reduce((n, t) => n + Buffer.byteLength(t), 0);

describe("packFiles", () => {
    it("keeps files that fit together in one data map, keys sorted", () => {
        expect(packFiles({ "b.yaml": "2", "a.yaml": "1" })).toEqual([{ "a.yaml": "1", "b.yaml": "2" }]);
    });

    it("opens another data map only when the next file does not fit", () => {
        const maps = packFiles({ a: "x".repeat(6), b: "x".repeat(5), c: "x".repeat(3) }, 9);
        expect(maps.map((m) => Object.keys(m))).toEqual([["a", "c"], ["b"]]);
    });

    it("refuses a single file over the budget, naming it", () => {
        expect(() => packFiles({ "huge.rules.yaml": "x".repeat(11) }, 10)).toThrow(/huge\.rules\.yaml: 11 bytes do not fit one ConfigMap/);
    });
});

describe("Prometheus with rule files over one ConfigMap", () => {
    const ruleMaps = (): Obj[] =>
        ofType(resources, T.configMap)
            .map((r) => r.inputs)
            .filter((cm) => text(cm.metadata.name).startsWith("prometheus-rules"));

    it("spreads them over ConfigMaps named prometheus-rules, prometheus-rules-2, … each within the budget", () => {
        expect(ruleMaps().map((cm) => text(cm.metadata.name)).sort()).toEqual(["prometheus-rules", "prometheus-rules-2"]);
        for (const cm of ruleMaps()) expect(dataBytes(cm)).toBeLessThanOrEqual(configMapDataBudgetBytes);
    });

    it("carries every rule file exactly once", () => {
        const keys = ruleMaps().flatMap((cm) => Object.keys(dataOf(cm)));
        expect(keys.sort()).toEqual(Object.keys(rules).sort());
    });

    it("mounts all of them as one projected rules volume, and loads every file", () => {
        const volume = list(podSpec(object(resources, T.statefulSet, "prometheus")).volumes).find((v) => text(v.name) === "rules");
        expect(list(volume?.projected?.sources).map((s) => text(s.configMap.name)).sort()).toEqual(["prometheus-rules", "prometheus-rules-2"]);
        const config = configYaml(resources, "prometheus-config", "prometheus.yml");
        expect(strings(config.rule_files)).toEqual(Object.keys(rules).sort().map((f) => `/etc/prometheus/rules/${f}`));
    });
});
