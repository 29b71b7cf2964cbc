// Alertmanager: a StatefulSet whose replicas gossip through a headless Service, config text from
// alerts/, the Slack webhook and the escalation credentials mounted as files (never in the ConfigMap),
// silences and the notification log on a volume.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec } from "../../model/catalog";
import { publicInternet, tcp, type TrafficRule, udp } from "../k8s/network-policy";
import type { ServicePortSpec } from "../k8s/objects";
import { httpProbes } from "../k8s/pod";
import { dataStorage, type Persistence } from "../k8s/storage";
import { containerPorts, type StackPlacement, StackWorkload } from "./workload";
import { alertmanagerPodHost, observabilityWorkloads as w, slackWebhookFile } from "../../model/workloads";
import { serviceUrl } from "../../model/urls";
import { images } from "./images";
import { type EscalationSecretKey, escalationSecretsDirectory, slackSecretKey } from "../../model/secrets";

export { slackWebhookFile };

/** Where the Slack webhook comes from: a Secret this component creates, or one that exists. */
export type SlackWebhookSource = { url: pulumi.Input<string> } | { existingSecret: string };

/**
 * The escalation Secret (PagerDuty routing key, Opsgenie API key, webhook bearer token): `keys` are the
 * ones alertmanager.yml reads (only they are mounted), from a Secret this component creates or one that exists.
 */
export type EscalationSecret = { keys: readonly EscalationSecretKey[] } & (
    { values: Record<string, pulumi.Input<string>> } | { existingSecret: string }
);

export interface AlertmanagerArgs extends StackPlacement {
    replicas: number;
    /** alertmanager.yml text (alerts/); it must reference the webhook through `api_url_file`. */
    configYaml: string;
    slack?: SlackWebhookSource;
    /** Mounted at escalationSecretsDirectory, one file per key; unset: no escalation tool is configured. */
    escalation?: EscalationSecret;
    /** Open HTTPS to the internet (Slack, escalation tools, dead man's switch); off when nothing is sent out. */
    allowInternetEgress: boolean;
    /**
     * Silences and the notification log (`--storage.path`). @default an emptyDir of 256Mi (peers
     * re-gossip them when HA); the stack configuration gives a PersistentVolumeClaim.
     */
    persistence?: Persistence;
    resources?: ResourceSpec;
}

// Ephemeral storage: what the container itself writes (its log files); the pod builder adds the
// pod's emptyDirs (/tmp, and the data volume when persistence is off) to the limit.
const defaultResources: ResourceSpec = {
    requests: { cpu: "50m", memory: "64Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "200m", memory: "256Mi", ephemeralStorage: "256Mi" },
};

function alertmanagerPeers(replicas: number, namespace: string): string[] {
    return Array.from({ length: replicas }, (_, i) => `${alertmanagerPodHost(i, namespace)}:${w.alertmanager.clusterPort}`);
}

export class Alertmanager extends pulumi.ComponentResource {
    readonly url: string;

    constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:observability:Alertmanager", name, {}, opts);
        const ns = args.namespace;
        const wl = w.alertmanager;
        const am = new StackWorkload(this, name, wl.name, ns, args.environment, images.alertmanager);
        const replicas = args.replicas;
        const clustered = replicas > 1;

        if (/https:\/\/hooks\.slack\.com\//.test(args.configYaml)) {
            throw new Error(
                "alertmanager: configYaml contains a Slack webhook URL; reference slackWebhookFile with api_url_file",
            );
        }

        const sa = am.serviceAccount();
        const config = am.configMap(`${wl.name}-config`, { "alertmanager.yml": args.configYaml });

        let slackSecretName: pulumi.Input<string> | undefined;
        if (args.slack && "existingSecret" in args.slack) {
            slackSecretName = args.slack.existingSecret;
        } else if (args.slack) {
            const secret = new k8s.core.v1.Secret(
                `${name}-slack`,
                {
                    metadata: am.meta(`${wl.name}-slack`),
                    type: "Opaque",
                    stringData: { [slackSecretKey]: pulumi.secret(args.slack.url) },
                },
                { parent: this },
            );
            slackSecretName = secret.metadata.name;
        }

        let escalationSecretName: pulumi.Input<string> | undefined;
        if (args.escalation && "existingSecret" in args.escalation) {
            escalationSecretName = args.escalation.existingSecret;
        } else if (args.escalation) {
            const secret = new k8s.core.v1.Secret(
                `${name}-escalation`,
                { metadata: am.meta(`${wl.name}-escalation`), type: "Opaque", stringData: args.escalation.values },
                { parent: this },
            );
            escalationSecretName = secret.metadata.name;
        }

        const http = { name: "http", port: wl.port };
        const mesh: ServicePortSpec[] = [
            { name: "mesh-tcp", port: wl.clusterPort, protocol: "TCP" },
            { name: "mesh-udp", port: wl.clusterPort, protocol: "UDP" },
        ];
        am.service([http]);

        const clusterArgs = clustered
            ? [
                  `--cluster.listen-address=0.0.0.0:${wl.clusterPort}`,
                  `--cluster.advertise-address=$(POD_IP):${wl.clusterPort}`,
                  ...alertmanagerPeers(replicas, ns).map((p) => `--cluster.peer=${p}`),
                  "--cluster.reconnect-timeout=5m",
              ]
            : // An empty listen address turns gossip off for a single replica.
              ["--cluster.listen-address="];

        const storage = dataStorage("data", args.persistence ?? { enabled: false, size: "256Mi" }, am.ids.labels);
        const slackMount = slackWebhookFile.slice(0, slackWebhookFile.lastIndexOf("/"));
        const container = am.container({
            resources: args.resources ?? defaultResources,
            args: [
                "--config.file=/etc/alertmanager/config/alertmanager.yml",
                "--storage.path=/alertmanager",
                `--web.listen-address=:${wl.port}`,
                "--data.retention=120h",
                ...clusterArgs,
            ],
            env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
            ports: containerPorts([http, ...(clustered ? mesh : [])]),
            ...httpProbes({ liveness: "/-/healthy", readiness: "/-/ready", startup: "/-/ready", port: wl.port }),
            volumeMounts: [
                { name: "config", mountPath: "/etc/alertmanager/config", readOnly: true },
                { name: "data", mountPath: "/alertmanager" },
                ...(slackSecretName ? [{ name: "slack-webhook", mountPath: slackMount, readOnly: true }] : []),
                ...(escalationSecretName ? [{ name: "escalation", mountPath: escalationSecretsDirectory, readOnly: true }] : []),
            ],
        });

        am.statefulSet({
            replicas,
            // Peers must resolve each other before any of them is ready: readiness waits for gossip to settle.
            governingService: { ports: [http, ...mesh], publishNotReadyAddresses: true },
            podManagementPolicy: "Parallel",
            configTexts: [args.configYaml],
            pod: am.pod({
                serviceAccountName: sa.metadata.name,
                containers: [container],
                volumes: [
                    { name: "config", configMap: { name: config.metadata.name } },
                    ...storage.volumes,
                    ...(slackSecretName
                        ? [
                              {
                                  name: "slack-webhook",
                                  secret: {
                                      secretName: slackSecretName,
                                      items: [{ key: slackSecretKey, path: "url" }],
                                      defaultMode: 0o440,
                                  },
                              },
                          ]
                        : []),
                    ...(escalationSecretName && args.escalation
                        ? [
                              {
                                  name: "escalation",
                                  secret: {
                                      secretName: escalationSecretName,
                                      items: args.escalation.keys.map((key) => ({ key, path: key })),
                                      defaultMode: 0o440,
                                  },
                              },
                          ]
                        : []),
                ],
            }),
            claimTemplates: storage.claimTemplates,
        });
        // One replica has nothing to spare: a budget would only block drains.
        if (replicas > 1) am.disruptionBudget();

        const gossip: TrafficRule[] = clustered
            ? [{ peers: [am.peer(wl.name)], ports: [...tcp(wl.clusterPort), ...udp(wl.clusterPort)] }]
            : [];
        am.networkPolicy({
            ingress: [{ peers: [am.peer(w.prometheus.name), am.peer(w.grafana.name)], ports: tcp(wl.port) }, ...gossip],
            egress: [...gossip, ...(args.allowInternetEgress ? [{ peers: [publicInternet], ports: tcp(443) }] : [])],
        });

        this.url = serviceUrl(wl.name, ns, wl.port);
        this.registerOutputs({ url: this.url });
    }
}
