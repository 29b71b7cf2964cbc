// Alertmanager: replicas gossip with every peer through the headless Service; the Slack webhook is
// a mounted Secret file, never configuration text.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Alertmanager, slackWebhookFile } from "../../../components/observability/alertmanager";
import {
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

const ns = "azora-observability";
const other = "azora-observability-b";
const url = "https://hooks.slack.com/services/T1/B1/secret";
const configYaml = `route:\n  receiver: slack\nreceivers:\n  - name: slack\n    slack_configs:\n      - api_url_file: ${slackWebhookFile}\n`;
const resources = recordResources();

beforeAll(async () => {
    new Alertmanager("alertmanager", {
        namespace: ns,
        environment: "prod",
        replicas: 3,
        configYaml,
        slack: { url: pulumi.secret(url) },
        allowInternetEgress: true,
    });
    new Alertmanager("alertmanager-single", {
        namespace: other,
        environment: "dev",
        replicas: 1,
        configYaml: "route:\n  receiver: none\nreceivers:\n  - name: none\n",
        slack: { existingSecret: "team-slack" },
        allowInternetEgress: false,
    });
    await settle(resources);
});

const inNs = (type: string, namespace: string): Obj[] =>
    ofType(resources, type)
        .map((r) => r.inputs)
        .filter((o) => text(o.metadata.namespace) === namespace);
const one = (type: string, namespace: string, name: string): Obj => object(resources, type, name, namespace);

describe("Alertmanager clustering", () => {
    const sts = (): Obj => one(T.statefulSet, ns, "alertmanager");

    it("runs the configured replicas, started in parallel, governed by the headless Service", () => {
        expect(sts().spec.replicas).toBe(3);
        expect(sts().spec.podManagementPolicy).toBe("Parallel");
        expect(sts().spec.serviceName).toBe("alertmanager-headless");
    });

    it("names every replica as a peer by its stable DNS name on the cluster port", () => {
        const peers = strings(container(sts()).args).filter((a) => a.startsWith("--cluster.peer="));
        expect(peers).toEqual(
            [0, 1, 2].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-headless.${ns}.svc.cluster.local:9094`),
        );
        expect(strings(container(sts()).args)).toContain("--cluster.listen-address=0.0.0.0:9094");
    });

    it("publishes peers before they are ready, on TCP and UDP 9094", () => {
        const headless = one(T.service, ns, "alertmanager-headless");
        expect(headless.spec.clusterIP).toBe("None");
        expect(headless.spec.publishNotReadyAddresses).toBe(true);
        expect(list(headless.spec.ports).map((p) => `${text(p.protocol)}/${Number(p.port)}`)).toEqual([
            "TCP/9093",
            "TCP/9094",
            "UDP/9094",
        ]);
    });

    it("lets the replicas gossip with each other and nobody else", () => {
        const np = one(T.networkPolicy, ns, "alertmanager");
        const mesh = {
            peers: [{ podSelector: { matchLabels: selectorOf("alertmanager") } }],
            ports: [
                { protocol: "TCP", port: 9094 },
                { protocol: "UDP", port: 9094 },
            ],
        };
        expect(np.spec.ingress).toContainEqual({ from: mesh.peers, ports: mesh.ports });
        expect(np.spec.egress).toContainEqual({ to: mesh.peers, ports: mesh.ports });
        expect(list(np.spec.ingress)[0]).toEqual({
            from: [{ podSelector: { matchLabels: selectorOf("prometheus") } }, { podSelector: { matchLabels: selectorOf("grafana") } }],
            ports: [{ protocol: "TCP", port: 9093 }],
        });
    });

    it("keeps one replica available during voluntary disruptions", () => {
        expect(one(T.pdb, ns, "alertmanager").spec.maxUnavailable).toBe(1);
    });

    it("turns gossip off and adds no PodDisruptionBudget for a single replica", () => {
        const args = strings(container(one(T.statefulSet, other, "alertmanager")).args);
        expect(args).toContain("--cluster.listen-address=");
        expect(args.some((a) => a.startsWith("--cluster.peer"))).toBe(false);
        expect(inNs(T.pdb, other)).toEqual([]);
    });
});

describe("Alertmanager Slack webhook", () => {
    it("stores the webhook URL in a Secret, never in the ConfigMap", () => {
        const secret = one(T.secret, ns, "alertmanager-slack");
        expect(JSON.stringify(secret.stringData)).toContain(url);
        for (const cm of ofType(resources, T.configMap)) expect(JSON.stringify(cm.inputs)).not.toContain("hooks.slack.com");
        expect(one(T.configMap, ns, "alertmanager-config").data["alertmanager.yml"]).toBe(configYaml);
    });

    it("mounts the webhook read-only so that slackWebhookFile is the URL file", () => {
        const sts = one(T.statefulSet, ns, "alertmanager");
        const dir = slackWebhookFile.slice(0, slackWebhookFile.lastIndexOf("/"));
        expect(list(container(sts).volumeMounts)).toContainEqual({ name: "slack-webhook", mountPath: dir, readOnly: true });
        const volume = list(podSpec(sts).volumes).find((v) => text(v.name) === "slack-webhook");
        expect(volume?.secret).toEqual({
            secretName: "alertmanager-slack",
            items: [{ key: "url", path: slackWebhookFile.slice(dir.length + 1) }],
            defaultMode: 0o440,
        });
    });

    it("mounts an existing Secret instead of creating one", () => {
        expect(inNs(T.secret, other)).toEqual([]);
        const volume = list(podSpec(one(T.statefulSet, other, "alertmanager")).volumes).find(
            (v) => text(v.name) === "slack-webhook",
        );
        expect(volume?.secret.secretName).toBe("team-slack");
    });

    it("opens HTTPS to public addresses only when asked to", () => {
        const egress = (namespace: string): number[] =>
            list(one(T.networkPolicy, namespace, "alertmanager").spec.egress).flatMap((r) => list(r.ports).map((p) => Number(p.port)));
        expect(egress(ns)).toContain(443);
        expect(egress(other)).not.toContain(443);
    });

    it("refuses configuration text that carries a Slack webhook URL", () => {
        expect(
            () =>
                new Alertmanager("leaky", {
                    namespace: "x",
                    environment: "dev",
                    replicas: 1,
                    configYaml: `global:\n  slack_api_url: ${url}\n`,
                    allowInternetEgress: true,
                }),
        ).toThrow(/api_url_file/);
    });
});
