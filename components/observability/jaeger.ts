// Jaeger v2 as one binary: OTLP receivers (4317/4318), the query UI/API (16686), storage in memory
// or in Badger on a volume. Only the OTel Collector sends it spans.
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { ResourceSpec } from "../../model/catalog";
import type { ObservabilitySettings } from "../config/schema";
import { httpProbes } from "../k8s/pod";
import { podsOf, tcp } from "../k8s/network-policy";
import { dataStorage } from "../k8s/storage";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";
import { observabilityWorkloads as w } from "../../model/workloads";
import { serviceAddress, serviceUrl } from "../../model/urls";
import { images } from "./images";

export interface JaegerArgs extends StackPlacement {
    settings: ObservabilitySettings["jaeger"];
    resources?: ResourceSpec;
}

// Ephemeral storage: what the container itself writes (its log files); the pod builder adds the
// pod's emptyDirs (/tmp, and the data volume when persistence is off) to the limit.
const defaultResources: ResourceSpec = {
    requests: { cpu: "100m", memory: "256Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "1", memory: "1Gi", ephemeralStorage: "256Mi" },
};

const badgerDir = "/badger";
/** How long Badger keeps spans; the in-memory store is bounded by maxTraces instead. */
const badgerSpanTtl = "168h";

function jaegerConfig(settings: ObservabilitySettings["jaeger"]): string {
    const store =
        settings.storage === "memory"
            ? { memory: { max_traces: settings.maxTraces } }
            : {
                  badger: {
                      directories: { keys: `${badgerDir}/keys`, values: `${badgerDir}/values` },
                      ephemeral: false,
                      ttl: { spans: badgerSpanTtl },
                  },
              };
    const j = w.jaeger;
    return stringify(
        {
            service: {
                extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
                pipelines: {
                    traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] },
                },
                telemetry: {
                    resource: { "service.name": "jaeger" },
                    logs: { level: "info" },
                    metrics: {
                        level: "normal",
                        readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: j.metricsPort } } } }],
                    },
                },
            },
            extensions: {
                healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${j.adminPort}` } },
                jaeger_query: {
                    storage: { traces: "primary" },
                    http: { endpoint: `0.0.0.0:${j.queryPort}` },
                    // Unset, it would listen on every interface of the pod for an API no Service exposes.
                    grpc: { endpoint: `127.0.0.1:${j.queryGrpcPort}` },
                },
                jaeger_storage: { backends: { primary: store } },
            },
            receivers: {
                otlp: {
                    protocols: {
                        grpc: { endpoint: `0.0.0.0:${j.otlpGrpcPort}` },
                        http: { endpoint: `0.0.0.0:${j.otlpHttpPort}` },
                    },
                },
            },
            processors: { batch: {} },
            exporters: { jaeger_storage_exporter: { trace_storage: "primary" } },
        },
        { lineWidth: 0 },
    );
}

export class Jaeger extends pulumi.ComponentResource {
    /** The query UI and API. */
    readonly url: string;
    /** OTLP gRPC, host:port (what the collector exports to). */
    readonly otlpGrpcEndpoint: string;

    constructor(name: string, args: JaegerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:Jaeger", name, {}, opts);
        const ns = args.namespace;
        const wl = w.jaeger;
        const jaeger = new StackWorkload(this, name, wl.name, ns, args.environment, images.jaeger);

        const configText = jaegerConfig(args.settings);
        const sa = jaeger.serviceAccount();
        const config = jaeger.configMap(`${wl.name}-config`, { "config.yaml": configText });
        const ports = [
            { name: "otlp-grpc", port: wl.otlpGrpcPort },
            { name: "otlp-http", port: wl.otlpHttpPort },
            { name: "query", port: wl.queryPort },
            { name: "metrics", port: wl.metricsPort },
        ];
        jaeger.service(ports);

        const badger = args.settings.storage === "badger";
        // Memory storage needs no volume; Badger on emptyDir survives container restarts only.
        const storage = badger
            ? dataStorage("data", args.settings.persistence, jaeger.ids.labels)
            : { volumes: [], claimTemplates: [] };
        const container = jaeger.container({
            resources: args.resources ?? defaultResources,
            args: ["--config=/etc/jaeger/config/config.yaml"],
            ports: containerPorts([...ports, { name: "health", port: wl.adminPort }]),
            // One health endpoint (healthcheckv2's /status, which follows the pipelines' state): readiness
            // reads it; liveness only asks that the OTLP receiver accepts connections.
            ...httpProbes({
                liveness: { tcpPort: wl.otlpGrpcPort },
                readiness: "/status",
                startup: "/status",
                port: wl.adminPort,
            }),
            volumeMounts: [
                { name: "config", mountPath: "/etc/jaeger/config", readOnly: true },
                ...(badger ? [{ name: "data", mountPath: badgerDir }] : []),
            ],
        });

        jaeger.statefulSet({
            governingService: { ports },
            configTexts: [configText],
            pod: jaeger.pod({
                serviceAccountName: sa.metadata.name,
                containers: [container],
                volumes: [{ name: "config", configMap: { name: config.metadata.name } }, ...storage.volumes],
            }),
            claimTemplates: storage.claimTemplates,
        });

        jaeger.networkPolicy({
            ingress: [
                { peers: [podsOf(w.otelCollector.name)], ports: tcp(wl.otlpGrpcPort) },
                { peers: [podsOf(w.grafana.name)], ports: tcp(wl.queryPort) },
                { peers: [podsOf(w.prometheus.name)], ports: tcp(wl.metricsPort) },
            ],
            egress: [],
        });

        this.url = serviceUrl(wl.name, ns, wl.queryPort);
        this.otlpGrpcEndpoint = serviceAddress(wl.name, ns, wl.otlpGrpcPort);
        this.registerOutputs({ url: this.url, otlpGrpcEndpoint: this.otlpGrpcEndpoint });
    }
}
