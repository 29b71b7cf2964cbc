// The unit tests' one mock harness: a recording mock engine (every registered resource's inputs,
// by type and name), a wait for every pending registration, and accessors for the Kubernetes
// objects' inputs, so tests assert on exactly what the program asks Kubernetes for.
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { selectorLabels } from "../../model/labels";

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export const T = {
    configMap: "kubernetes:core/v1:ConfigMap",
    secret: "kubernetes:core/v1:Secret",
    service: "kubernetes:core/v1:Service",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    deployment: "kubernetes:apps/v1:Deployment",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    pdb: "kubernetes:policy/v1:PodDisruptionBudget",
    hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    pvc: "kubernetes:core/v1:PersistentVolumeClaim",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    namespace: "kubernetes:core/v1:Namespace",
    randomPassword: "random:index/randomPassword:RandomPassword",
    dockerImage: "docker:index/image:Image",
} as const;

export const workloadTypes: readonly string[] = [T.statefulSet, T.deployment, T.daemonSet];

/** Installs the mock engine; every registered resource lands in the returned array. */
export function recordResources(): Registered[] {
    const resources: Registered[] = [];
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs });
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type === T.randomPassword) state.result = `mock-password-${args.name}`;
                if (args.type === T.dockerImage) {
                    state.repoDigest = `${String(args.inputs.imageName).split(":")[0]}@sha256:${"a".repeat(64)}`;
                }
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
            },
        },
        "azora-platform",
        "unit",
        false,
    );
    return resources;
}

/** Waits until no registration has arrived for several turns of the event loop. */
export async function settle(resources: Registered[]): Promise<void> {
    let last = -1;
    let quiet = 0;
    for (let i = 0; i < 400 && quiet < 10; i++) {
        await new Promise((r) => setTimeout(r, 2));
        quiet = resources.length === last ? quiet + 1 : 0;
        last = resources.length;
    }
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

// ---- Accessors ---------------------------------------------------------------------------------

/** A loose, read-only view of a resource's inputs: index freely, check with expect. */
export interface Obj {
    readonly [key: string]: Obj;
}

/** The array at a path (empty when absent). */
export function list(value: unknown): Obj[] {
    return Array.isArray(value) ? (value as Obj[]) : [];
}

export function strings(value: unknown): string[] {
    return list(value).map(String);
}

export function ofType(resources: Registered[], type: string): Registered[] {
    return resources.filter((r) => r.type === type);
}

/** The resource registered with this type and logical name. */
export function named(resources: Registered[], type: string, name: string): Registered {
    const found = resources.find((r) => r.type === type && r.name === name);
    if (!found) {
        const names = ofType(resources, type).map((r) => r.name);
        throw new Error(`no ${type} named ${name}; have: ${names.join(", ")}`);
    }
    return found;
}

export function nameOf(r: Registered): string {
    return String((r.inputs as unknown as Obj).metadata?.name);
}

export function object(resources: Registered[], type: string, name: string, namespace?: string): Obj {
    const found = resources.filter(
        (r) =>
            r.type === type &&
            nameOf(r) === name &&
            (namespace === undefined || String((r.inputs as unknown as Obj).metadata.namespace) === namespace),
    );
    if (found.length !== 1) {
        const have = ofType(resources, type).map(nameOf).join(", ");
        throw new Error(`expected one ${type} named ${name}, found ${found.length}; have: ${have}`);
    }
    return found[0].inputs as unknown as Obj;
}

export function workloads(resources: Registered[]): Registered[] {
    return resources.filter((r) => workloadTypes.includes(r.type));
}

export function podSpec(workload: Obj): Obj {
    return workload.spec.template.spec;
}

export function container(workload: Obj, name?: string): Obj {
    const cs = list(podSpec(workload).containers);
    const found = name ? cs.find((c) => String(c.name) === name) : cs[0];
    if (!found) throw new Error(`no container ${name ?? "(first)"}`);
    return found;
}

export function configText(resources: Registered[], name: string, key: string, namespace?: string): string {
    const cm = object(resources, T.configMap, name, namespace);
    const text: unknown = cm.data[key];
    if (typeof text !== "string") throw new Error(`ConfigMap ${name} has no key ${key}`);
    return text;
}

export function configYaml(resources: Registered[], name: string, key: string, namespace?: string): Obj {
    return parse(configText(resources, name, key, namespace)) as Obj;
}

/** A ConfigMap's YAML entry, parsed. */
export function dataYaml(configMap: Obj, key: string): Obj {
    return parse(String(configMap.data[key])) as Obj;
}

/** The engine's marker for a secret value in serialized inputs. */
const secretSig = "4dabf18193072939515e22adb298388d";
const secretSigValue = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSig] === secretSigValue;
}

/** The plain value behind a secret marker (or the value itself when it is not secret). */
export function reveal<T = unknown>(value: unknown): T {
    return (isSecret(value) ? (value as { value: unknown }).value : value) as T;
}

export const selectorOf = selectorLabels;
