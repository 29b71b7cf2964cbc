// Loki, single binary (-target=all) on the filesystem with a TSDB index. Retention is enforced by
// the compactor: limits_config.retention_period alone deletes nothing. No ruler: the log-based alerts
// run in Prometheus on counters the log shipper derives (model/log-events.ts explains why).
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { ResourceSpec } from "../../model/catalog";
import { tcp } from "../k8s/network-policy";
import { httpProbes } from "../k8s/pod";
import { dataStorage, type Persistence } from "../k8s/storage";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";
import { auditStreamSelector } from "../../model/metrics";
import { observabilityWorkloads as w } from "../../model/workloads";
import { serviceUrl } from "../../model/urls";
import { images } from "./images";

export interface LokiArgs extends StackPlacement {
    /** Hours, e.g. "168h". */
    retention: string;
    /** How long the audit stream is kept (≥ retention). */
    auditRetention: string;
    persistence: Persistence;
    /** Namespace of the log shipper when it runs outside the observability namespace. */
    logShipperNamespace?: string;
    resources?: ResourceSpec;
}

// Ephemeral storage: what the container itself writes (its log files); the pod builder adds the
// pod's emptyDirs (/tmp, and the data volume when persistence is off) to the limit.
const defaultResources: ResourceSpec = {
    requests: { cpu: "200m", memory: "512Mi", ephemeralStorage: "128Mi" },
    limits: { cpu: "2", memory: "2Gi", ephemeralStorage: "512Mi" },
};

const dataDir = "/var/loki";

function lokiConfig(retention: string, auditRetention: string): string {
    return stringify(
        {
            auth_enabled: false,
            server: { http_listen_port: w.loki.port, grpc_listen_port: w.loki.grpcPort, log_level: "info" },
            common: {
                path_prefix: dataDir,
                // Single binary: every internal client talks to this process over loopback.
                instance_addr: "127.0.0.1",
                replication_factor: 1,
                ring: { kvstore: { store: "inmemory" } },
                storage: {
                    filesystem: { chunks_directory: `${dataDir}/chunks`, rules_directory: `${dataDir}/rules` },
                },
            },
            schema_config: {
                configs: [
                    {
                        from: "2024-04-01",
                        store: "tsdb",
                        object_store: "filesystem",
                        schema: "v13",
                        index: { prefix: "index_", period: "24h" },
                    },
                ],
            },
            storage_config: {
                tsdb_shipper: {
                    active_index_directory: `${dataDir}/tsdb-index`,
                    cache_location: `${dataDir}/tsdb-cache`,
                },
            },
            limits_config: {
                retention_period: retention,
                // The services' audit stream outlives ordinary logs (the compactor applies it per stream).
                retention_stream: [{ selector: auditStreamSelector, priority: 1, period: auditRetention }],
                reject_old_samples: true,
                reject_old_samples_max_age: retention,
                allow_structured_metadata: true,
                volume_enabled: true,
            },
            compactor: {
                working_directory: `${dataDir}/compactor`,
                compaction_interval: "10m",
                retention_enabled: true,
                retention_delete_delay: "2h",
                retention_delete_worker_count: 150,
                delete_request_store: "filesystem",
            },
            analytics: { reporting_enabled: false },
        },
        { lineWidth: 0 },
    );
}

export class Loki extends pulumi.ComponentResource {
    readonly url: string;
    /** Where log shippers push. */
    readonly pushUrl: string;

    constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:Loki", name, {}, opts);
        const ns = args.namespace;
        const wl = w.loki;
        const loki = new StackWorkload(this, name, wl.name, ns, args.environment, images.loki);

        const configText = lokiConfig(args.retention, args.auditRetention);
        const sa = loki.serviceAccount();
        const config = loki.configMap(`${wl.name}-config`, { "loki.yaml": configText });
        // gRPC stays inside the pod: the single binary's components reach each other over loopback.
        const http = { name: "http", port: wl.port };
        loki.service([http]);

        const storage = dataStorage("data", args.persistence, loki.ids.labels);
        const container = loki.container({
            resources: args.resources ?? defaultResources,
            args: ["-config.file=/etc/loki/config/loki.yaml", "-target=all"],
            ports: containerPorts([http, { name: "grpc", port: wl.grpcPort }]),
            ...httpProbes({
                // /ready also reflects the ingester joining the ring; liveness only asks "is the process serving".
                liveness: "/loki/api/v1/status/buildinfo",
                readiness: "/ready",
                startup: "/ready",
                port: wl.port,
                startupBudgetSeconds: 300,
            }),
            volumeMounts: [
                { name: "config", mountPath: "/etc/loki/config", readOnly: true },
                { name: "data", mountPath: dataDir },
            ],
        });

        loki.statefulSet({
            governingService: { ports: [http] },
            configTexts: [configText],
            pod: loki.pod({
                serviceAccountName: sa.metadata.name,
                // Lets the ingester flush its in-memory chunks on shutdown.
                terminationGracePeriodSeconds: 300,
                containers: [container],
                volumes: [{ name: "config", configMap: { name: config.metadata.name } }, ...storage.volumes],
            }),
            claimTemplates: storage.claimTemplates,
        });

        loki.networkPolicy({
            ingress: [
                {
                    peers: [
                        loki.peer(w.logShipper.name, args.logShipperNamespace),
                        loki.peer(w.grafana.name),
                        loki.peer(w.prometheus.name),
                    ],
                    ports: tcp(wl.port),
                },
            ],
            egress: [],
        });

        this.url = serviceUrl(wl.name, ns, wl.port);
        this.pushUrl = `${this.url}/loki/api/v1/push`;
        this.registerOutputs({ url: this.url, pushUrl: this.pushUrl });
    }
}
