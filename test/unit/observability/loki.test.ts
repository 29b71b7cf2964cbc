// Loki: a single binary whose retention the compactor really enforces.
import { beforeAll, describe, expect, it } from "vitest";
import { Loki } from "../../../components/observability/loki";
import { observabilitySchema } from "../../../components/config/schema";
import {
    configYaml,
    container,
    list,
    object,
    Obj,
    podSpec,
    recordResources,
    selectorOf,
    settle,
    strings,
    T,
    text,
} from "../harness";

const ns = "azora-observability";
const resources = recordResources();

beforeAll(async () => {
    new Loki("loki", {
        namespace: ns,
        environment: "prod",
        retention: "720h",
        auditRetention: "8760h",
        persistence: { enabled: true, size: "100Gi", storageClassName: "fast" },
    });
    new Loki("loki-ephemeral", {
        namespace: "scratch",
        environment: "local",
        retention: "24h",
        auditRetention: "24h",
        persistence: { enabled: false, size: "2Gi" },
        logShipperNamespace: "azora-logging",
    });
    await settle(resources);
});

const config = (): Obj => configYaml(resources, "loki-config", "loki.yaml", ns);
const sts = (namespace: string): Obj => object(resources, T.statefulSet, "loki", namespace);

describe("Loki retention", () => {
    it("sets the retention period from the stack configuration", () => {
        expect(config().limits_config.retention_period).toBe("720h");
    });

    it("keeps the services' audit stream for its own, longer retention", () => {
        expect(config().limits_config.retention_stream).toEqual([{ selector: '{stream="audit"}', priority: 1, period: "8760h" }]);
    });

    it("enables compactor retention with a delete request store, so old chunks are really deleted", () => {
        expect(config().compactor).toMatchObject({ retention_enabled: true, delete_request_store: "filesystem" });
    });

    it("stores chunks on the filesystem with a TSDB v13 index", () => {
        expect(config().common.storage.filesystem.chunks_directory).toBe("/var/loki/chunks");
        expect(config().schema_config.configs[0]).toMatchObject({ store: "tsdb", object_store: "filesystem", schema: "v13" });
        expect(config().analytics.reporting_enabled).toBe(false);
    });
});

describe("Loki workload", () => {
    it("runs the single binary with every target", () => {
        expect(strings(container(sts(ns)).args)).toEqual(["-config.file=/etc/loki/config/loki.yaml", "-target=all"]);
    });

    it("uses a claim template of the configured class and size when persistent, emptyDir otherwise", () => {
        expect(list(sts(ns).spec.volumeClaimTemplates)[0].spec).toMatchObject({
            storageClassName: "fast",
            resources: { requests: { storage: "100Gi" } },
        });
        expect(list(sts("scratch").spec.volumeClaimTemplates)).toEqual([]);
        expect(list(podSpec(sts("scratch")).volumes).find((v) => text(v.name) === "data")?.emptyDir).toEqual({
            sizeLimit: "2Gi",
        });
    });

    it("accepts pushes from the log shipper and queries from Grafana and Prometheus, and sends nothing", () => {
        const np = object(resources, T.networkPolicy, "loki", ns);
        expect(np.spec.ingress).toEqual([
            {
                from: ["log-shipper", "grafana", "prometheus"].map((n) => ({ podSelector: { matchLabels: selectorOf(n) } })),
                ports: [{ protocol: "TCP", port: 3100 }],
            },
        ]);
        expect(np.spec.egress).toEqual([]);
    });

    it("admits a log shipper from its own namespace when it runs elsewhere", () => {
        const np = object(resources, T.networkPolicy, "loki", "scratch");
        expect(list(np.spec.ingress)[0].from[0]).toEqual({
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "azora-logging" } },
            podSelector: { matchLabels: selectorOf("log-shipper") },
        });
    });
});

describe("Loki audit retention setting", () => {
    it("refuses an audit retention shorter than the ordinary one, naming the field", () => {
        const loki = observabilitySchema.shape.loki.safeParse({
            retention: "720h",
            auditRetention: "168h",
            persistence: { size: "10Gi" },
        });
        expect(loki.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
            ["auditRetention", "at least loki.retention: the audit stream is kept longer than ordinary logs, never shorter"],
        ]);
    });
});
