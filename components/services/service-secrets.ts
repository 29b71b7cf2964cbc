// The service's secrets: generated values owned by the platform (rotated by the stack's rotation
// epoch) and third-party credentials, either set as config secrets or kept in an existing Secret.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ServiceSpec } from "../../model/catalog";
import { generatedSecretKeys } from "./service-env";
import { databaseSecretKeys, previousKey, secretFileEnvName, secretFilePath, serviceSecretsDirectory } from "../../model/secrets";

export interface ServiceSecretsArgs {
    spec: ServiceSpec;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
    rotation: number;
    /** Values for the catalog's externalSecrets, if the stack sets them as config secrets. */
    externalValues: Record<string, string>;
    database?: { host: string; port: number; sslMode: string };
}

export interface SecretRef {
    secretName: string;
    key: string;
}

/** A container's secrets as files: the secret volumes of its pod, their mounts and the `*_FILE` variables. */
export interface SecretFiles {
    env: k8s.types.input.core.v1.EnvVar[];
    volumes: k8s.types.input.core.v1.Volume[];
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
}

/**
 * Each secret as a read-only file: one secret volume per Secret projecting exactly the referenced keys
 * (a missing key keeps the pod from starting, as a missing env reference did), mounted at
 * `secretFilePath(secret, key)`, and `<KEY>_FILE` naming that file. Mode 0440: the files belong to
 * root and the pod's fsGroup, whose member the container is, and nobody else.
 */
export function secretFiles(refs: Record<string, SecretRef>): SecretFiles {
    const bySecret = new Map<string, string[]>();
    for (const ref of Object.values(refs)) bySecret.set(ref.secretName, [...(bySecret.get(ref.secretName) ?? []), ref.key]);
    const secrets = [...bySecret.keys()].sort();
    return {
        env: Object.entries(refs).map(([name, ref]) => ({
            name: secretFileEnvName(name),
            value: secretFilePath(ref.secretName, ref.key),
        })),
        volumes: secrets.map((secretName) => ({
            name: secretName,
            secret: {
                secretName,
                items: [...new Set(bySecret.get(secretName))].sort().map((key) => ({ key, path: key })),
                defaultMode: 0o440,
            },
        })),
        volumeMounts: secrets.map((secretName) => ({
            name: secretName,
            mountPath: `${serviceSecretsDirectory}/${secretName}`,
            readOnly: true,
        })),
    };
}

/**
 * The two slots of a key that keeps its previous value (GeneratedSecret.keepPrevious): each rotation
 * regenerates exactly one of them, alternately (slot a's epoch is ⌊r/2⌋, slot b's ⌊(r+1)/2⌋), so the
 * slot just regenerated is the current value and the other still holds the value that was current
 * before — and the rotation after drops it. Slot a is the resource every key had before the window
 * existed, with the same keeper at rotation 0, so adopting the window changes no value. At rotation 0
 * there is no previous value: `previous` is the current slot.
 */
export function keyWindow(rotation: number): { a: number; b: number; current: "a" | "b"; previous: "a" | "b" } {
    const current = rotation % 2 === 0 ? "a" : "b";
    const other = current === "a" ? "b" : "a";
    return {
        a: Math.floor(rotation / 2),
        b: Math.floor((rotation + 1) / 2),
        current,
        previous: rotation === 0 ? current : other,
    };
}

export class ServiceSecrets extends pulumi.ComponentResource {
    /** Secret name (`<KEY>` of `<KEY>_FILE`) → the Secret and key its file is projected from. */
    readonly refs: Record<string, SecretRef>;
    /** Changes whenever any secret value changes; feeds the pod checksum annotation. */
    readonly fingerprint: pulumi.Output<string>;
    readonly generatedSecretName: string;

    constructor(name: string, args: ServiceSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:service:ServiceSecrets", name, {}, opts);
        const child = { parent: this };
        const svc = args.spec.name;
        const password = (key: string, length: number, epoch = args.rotation, suffix = "") =>
            new random.RandomPassword(
                `${svc}-${key.toLowerCase()}${suffix}`,
                { length, special: false, keepers: { rotation: String(epoch) } },
                child,
            ).result;

        const values: Record<string, pulumi.Output<string>> = {};
        for (const s of args.spec.generatedSecrets) {
            if (!s.keepPrevious) {
                values[s.key] = password(s.key, s.length);
                continue;
            }
            const pair = keyWindow(args.rotation);
            const slots = { a: password(s.key, s.length, pair.a), b: password(s.key, s.length, pair.b, "-b") };
            values[s.key] = slots[pair.current];
            values[previousKey(s.key)] = slots[pair.previous];
        }
        if (args.spec.database && args.database) {
            const db = args.database;
            const dbName = args.spec.database.name;
            const pw = password(databaseSecretKeys.password, 40);
            values[databaseSecretKeys.password] = pw;
            values[databaseSecretKeys.url] =
                pulumi.interpolate`postgres://${svc}:${pw}@${db.host}:${db.port}/${dbName}?sslmode=${db.sslMode}`;
        }
        const keys = generatedSecretKeys(args.spec);
        this.generatedSecretName = `${svc}-secrets`;
        const refs: Record<string, SecretRef> = {};
        for (const key of keys) refs[key] = { secretName: this.generatedSecretName, key };

        new k8s.core.v1.Secret(
            this.generatedSecretName,
            {
                metadata: { name: this.generatedSecretName, namespace: args.namespace, labels: args.labels },
                type: "Opaque",
                stringData: pulumi.secret(pulumi.all(values)),
            },
            child,
        );

        // Third-party credentials: a config-set value makes the platform own the Secret; otherwise
        // the Secret `<service>-external` is provisioned by the operators (see docs/operations/secret-rotation.md).
        const externalName = `${svc}-external`;
        const provided = args.externalValues;
        if (Object.keys(provided).length > 0) {
            new k8s.core.v1.Secret(
                externalName,
                {
                    metadata: { name: externalName, namespace: args.namespace, labels: args.labels },
                    type: "Opaque",
                    stringData: pulumi.secret(provided),
                },
                child,
            );
        }
        for (const key of args.spec.externalSecrets) refs[key] = { secretName: externalName, key };

        this.refs = refs;
        // Only a digest leaves the secret boundary: it rolls pods on rotation without revealing values.
        this.fingerprint = pulumi.unsecret(
            pulumi.all([pulumi.all(values), pulumi.secret(provided)]).apply(([v, p]) =>
                createHash("sha256")
                    .update(JSON.stringify([v, p]))
                    .digest("hex"),
            ),
        );
        this.registerOutputs({ refs: this.refs });
    }
}
