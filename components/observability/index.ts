// The observability stack: Prometheus, Alertmanager, Grafana, Loki and its log shipper, Jaeger and
// the OTel Collector, and the cluster's exporters (kube-state-metrics, the node exporter; Prometheus
// scrapes the kubelets itself), wired to each other and configured from the stack file.
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../../model/catalog";
import type { ObservabilitySettings } from "../config/schema";
import { escalates, escalationKeysOf } from "../../model/alerts";
import { escalationSecretKeys } from "../../model/secrets";
import { Alertmanager, type EscalationSecret, SlackWebhookSource } from "./alertmanager";
import { Grafana } from "./grafana";
import { Jaeger } from "./jaeger";
import { KubeStateMetrics } from "./kube-state-metrics";
import { NodeExporter } from "./node-exporter";
import { LogShipper } from "./log-shipper";
import { Loki } from "./loki";
import { OtelCollector } from "./otel-collector";
import { Prometheus } from "./prometheus";
import type { EdgeScrape } from "./prometheus-config";

export interface ObservabilityStackArgs {
    namespace: string;
    servicesNamespace: string;
    environment: string;
    settings: ObservabilitySettings;
    services: readonly ServiceSpec[];
    /** File name (name.yaml) → Prometheus rule file text. */
    ruleFiles: Record<string, string>;
    /** alertmanager.yml text; references the webhook via api_url_file = slackWebhookFile. */
    alertmanagerConfig: string;
    /** Dashboard name → dashboard JSON. */
    dashboards: Record<string, string>;
    /** secrets.slackWebhookUrl; used when the receiver is slack without an existingSecret. */
    slackWebhookUrl?: pulumi.Input<string>;
    /** secrets.alerting: the escalation tools' credentials, used when escalation names no existingSecret. @default none */
    escalationSecrets?: { pagerdutyRoutingKey?: string; opsgenieApiKey?: string; webhookBearerToken?: string };
    /** secrets.remoteWrite: Prometheus's remote_write credential. @default none */
    remoteWriteSecrets?: { password?: string; bearerToken?: string };
    /** The public edge: Grafana is reached through its proxies, Prometheus scrapes them and cert-manager. */
    edge: EdgeScrape;
    /** Where the API server answers; Prometheus' only egress outside the cluster's pods. */
    apiServerCidrs: readonly string[];
    /** The nodes' addresses: Prometheus reaches each kubelet's metrics there. */
    nodeCidrs: readonly string[];
    /** Verify the kubelets' serving certificates against the cluster CA. */
    kubeletCertificatesVerified: boolean;
    /**
     * Run the log shipper in this namespace instead (it must exist, with Pod Security "privileged":
     * its read-only hostPath is refused by "baseline" and "restricted"). The node exporter, the other
     * node agent, runs there too. Defaults to `namespace`.
     */
    logShipperNamespace?: string;
}

function slackSource(args: ObservabilityStackArgs): SlackWebhookSource | undefined {
    const receiver = args.settings.alertmanager.receiver;
    if (receiver.type !== "slack") return undefined;
    if (receiver.existingSecret) return { existingSecret: receiver.existingSecret };
    if (args.slackWebhookUrl !== undefined) return { url: args.slackWebhookUrl };
    throw new Error(
        "observability.alertmanager.receiver is slack but neither secrets.slackWebhookUrl nor receiver.existingSecret is set",
    );
}

/** The escalation Secret Alertmanager mounts: the keys alertmanager.yml reads, from an existing Secret or the stack's secrets. */
function escalationSecret(args: ObservabilityStackArgs): EscalationSecret | undefined {
    const escalation = args.settings.alertmanager.escalation;
    const keys = escalationKeysOf(escalation);
    if (keys.length === 0) return undefined;
    if (escalation.existingSecret) return { keys, existingSecret: escalation.existingSecret };
    const s = args.escalationSecrets ?? {};
    const byKey = {
        [escalationSecretKeys.pagerdutyRoutingKey]: s.pagerdutyRoutingKey,
        [escalationSecretKeys.opsgenieApiKey]: s.opsgenieApiKey,
        [escalationSecretKeys.webhookBearerToken]: s.webhookBearerToken,
    };
    const values: Record<string, pulumi.Input<string>> = {};
    for (const key of keys) {
        const value = byKey[key];
        // components/config refuses such a stack first, naming the field; this guards other callers.
        if (value === undefined) throw new Error(`observability.alertmanager.escalation needs the secret ${key}`);
        values[key] = pulumi.secret(value);
    }
    return { keys, values };
}

export class ObservabilityStack extends pulumi.ComponentResource {
    readonly grafanaUrl: string;
    readonly prometheusUrl: string;
    readonly alertmanagerUrl: string;
    readonly jaegerUrl: string;
    readonly lokiUrl: string;
    /** For the services' OTEL_EXPORTER_OTLP_ENDPOINT (gRPC) and the HTTP variant. */
    readonly otlpGrpcUrl: string;
    readonly otlpHttpUrl: string;
    readonly grafanaAdminPassword: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:ObservabilityStack", name, {}, opts);
        const s = args.settings;
        const placement = { namespace: args.namespace, environment: args.environment };
        const logShipperNamespace = args.logShipperNamespace ?? args.namespace;
        const child = { parent: this };

        const prometheus = new Prometheus(
            `${name}-prometheus`,
            {
                ...placement,
                servicesNamespace: args.servicesNamespace,
                logShipperNamespace,
                settings: s.prometheus,
                services: args.services,
                ruleFiles: args.ruleFiles,
                alertmanagerReplicas: s.alertmanager.replicas,
                remoteWriteSecrets: args.remoteWriteSecrets,
                apiServerCidrs: [...args.apiServerCidrs],
                nodeCidrs: args.nodeCidrs,
                kubelet: { verifyTls: args.kubeletCertificatesVerified },
                edge: args.edge,
            },
            child,
        );
        const alertmanager = new Alertmanager(
            `${name}-alertmanager`,
            {
                ...placement,
                replicas: s.alertmanager.replicas,
                configYaml: args.alertmanagerConfig,
                slack: slackSource(args),
                escalation: escalationSecret(args),
                allowInternetEgress:
                    s.alertmanager.receiver.type === "slack" ||
                    Boolean(s.alertmanager.deadMansSwitchUrl) ||
                    escalates(s.alertmanager.escalation),
                persistence: s.alertmanager.persistence,
            },
            child,
        );
        const loki = new Loki(
            `${name}-loki`,
            { ...placement, retention: s.loki.retention, auditRetention: s.loki.auditRetention, persistence: s.loki.persistence, logShipperNamespace },
            child,
        );
        new LogShipper(
            `${name}-log-shipper`,
            {
                namespace: logShipperNamespace,
                environment: args.environment,
                lokiPushUrl: loki.pushUrl,
                stackNamespace: args.namespace,
            },
            child,
        );
        new KubeStateMetrics(`${name}-kube-state-metrics`, { ...placement, apiServerCidrs: args.apiServerCidrs }, child);
        new NodeExporter(
            `${name}-node-exporter`,
            { namespace: logShipperNamespace, environment: args.environment, stackNamespace: args.namespace },
            child,
        );
        const jaeger = new Jaeger(`${name}-jaeger`, { ...placement, settings: s.jaeger }, child);
        const collector = new OtelCollector(
            `${name}-otel-collector`,
            {
                ...placement,
                servicesNamespace: args.servicesNamespace,
                settings: s.otelCollector,
                jaegerOtlpEndpoint: jaeger.otlpGrpcEndpoint,
            },
            child,
        );
        const grafana = new Grafana(
            `${name}-grafana`,
            {
                ...placement,
                replicas: s.grafana.replicas,
                persistence: s.grafana.persistence,
                dashboards: args.dashboards,
                edgeProxyNamespace: args.edge.proxyNamespace,
            },
            child,
        );

        this.grafanaUrl = grafana.url;
        this.prometheusUrl = prometheus.url;
        this.alertmanagerUrl = alertmanager.url;
        this.jaegerUrl = jaeger.url;
        this.lokiUrl = loki.url;
        this.otlpGrpcUrl = collector.otlpGrpcUrl;
        this.otlpHttpUrl = collector.otlpHttpUrl;
        this.grafanaAdminPassword = grafana.adminPassword;
        this.registerOutputs({
            grafanaUrl: this.grafanaUrl,
            prometheusUrl: this.prometheusUrl,
            alertmanagerUrl: this.alertmanagerUrl,
            jaegerUrl: this.jaegerUrl,
            lokiUrl: this.lokiUrl,
            otlpGrpcUrl: this.otlpGrpcUrl,
            otlpHttpUrl: this.otlpHttpUrl,
            grafanaAdminPassword: this.grafanaAdminPassword,
        });
    }
}
