// Alertmanager with escalation tools: their credentials reach it only as files of one Secret (the
// keys alertmanager.yml reads, nothing else), and its silences and notification log live on a claim.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Alertmanager } from "../../../components/observability/alertmanager";
import { escalationSecretKeys, escalationSecretsDirectory } from "../../../model/secrets";
import { container, isSecret, list, object, podSpec, recordResources, reveal, settle, T, text } from "../harness";

const ns = "azora-observability";
const resources = recordResources();

beforeAll(async () => {
    new Alertmanager("alertmanager", {
        namespace: ns,
        environment: "prod",
        replicas: 1,
        configYaml: "route:\n  receiver: null\nreceivers:\n  - name: null\n",
        escalation: {
            keys: [escalationSecretKeys.pagerdutyRoutingKey, escalationSecretKeys.webhookBearerToken],
            values: {
                [escalationSecretKeys.pagerdutyRoutingKey]: pulumi.secret("not-a-real-routing-key"),
                [escalationSecretKeys.webhookBearerToken]: pulumi.secret("not-a-real-token"),
            },
        },
        allowInternetEgress: true,
        persistence: { enabled: true, size: "2Gi", storageClassName: "encrypted-ssd" },
    });
    await settle(resources);
});

const statefulSet = () => object(resources, T.statefulSet, "alertmanager", ns);

describe("Alertmanager's escalation credentials", () => {
    it("are kept in the Secret alertmanager-escalation, as secret values", () => {
        const stringData: unknown = object(resources, T.secret, "alertmanager-escalation", ns).stringData;
        expect(isSecret(stringData)).toBe(true);
        const data = reveal<Record<string, string>>(stringData);
        expect(Object.keys(data).sort()).toEqual(
            [escalationSecretKeys.pagerdutyRoutingKey, escalationSecretKeys.webhookBearerToken].sort(),
        );
        expect(data[escalationSecretKeys.pagerdutyRoutingKey]).toBe("not-a-real-routing-key");
    });

    it("are mounted read-only at the escalation directory, only the keys alertmanager.yml reads, mode 0440", () => {
        const mount = list(container(statefulSet()).volumeMounts).find((m) => text(m.name) === "escalation");
        expect(mount).toMatchObject({ mountPath: escalationSecretsDirectory, readOnly: true });
        const volume = list(podSpec(statefulSet()).volumes).find((v) => text(v.name) === "escalation");
        expect(volume?.secret).toEqual({
            secretName: "alertmanager-escalation",
            items: [
                { key: escalationSecretKeys.pagerdutyRoutingKey, path: escalationSecretKeys.pagerdutyRoutingKey },
                { key: escalationSecretKeys.webhookBearerToken, path: escalationSecretKeys.webhookBearerToken },
            ],
            defaultMode: 0o440,
        });
    });

    it("never reach the container's environment", () => {
        const env = JSON.stringify(container(statefulSet()).env ?? []);
        expect(env).not.toContain("routing-key");
        expect(env).not.toContain("secretKeyRef");
    });
});

describe("Alertmanager's silences and notification log", () => {
    it("are written under --storage.path on the data volume", () => {
        const c = container(statefulSet());
        const storagePath = list(c.args)
            .map(text)
            .find((a) => a.startsWith("--storage.path="))
            ?.split("=")[1];
        expect(list(c.volumeMounts).find((m) => text(m.name) === "data")?.mountPath).toBe(storagePath);
    });

    it("live on a PersistentVolumeClaim of the configured size and class", () => {
        const claims = list(statefulSet().spec.volumeClaimTemplates);
        expect(claims.map((c) => text(c.metadata.name))).toEqual(["data"]);
        expect(claims[0].spec.resources.requests.storage).toBe("2Gi");
        expect(claims[0].spec.storageClassName).toBe("encrypted-ssd");
        expect(list(podSpec(statefulSet()).volumes).find((v) => text(v.name) === "data")).toBeUndefined();
    });
});
