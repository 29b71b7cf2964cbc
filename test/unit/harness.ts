// The unit tests' one mock harness: a recording mock engine (every registered resource's inputs,
// by type and name), a wait for every pending registration, and accessors for the Kubernetes
// objects' inputs, so tests assert on exactly what the program asks Kubernetes for.
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { selectorLabels } from "../../model/labels";
import { type Obj, list, text } from "../json";

export { array, list, type Obj, strings, text } from "../json";

export interface Registered {
    type: string;
    name: string;
    inputs: Obj;
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

const workloadTypes: readonly string[] = [T.statefulSet, T.deployment, T.daemonSet];

/** The mock engine's installation, which settle waits for (so that a failure to install fails the tests). */
let installed: Promise<void> = Promise.resolve();

/** Installs the mock engine; every registered resource lands in the returned array. */
export function recordResources(): Registered[] {
    const resources: Registered[] = [];
    installed = pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                // The engine hands over the inputs as plain, untyped JSON.
                const inputs = args.inputs as Obj;
                resources.push({ type: args.type, name: args.name, inputs });
                const state: Record<string, unknown> = { ...inputs };
                if (args.type === T.randomPassword) state.result = `mock-password-${args.name}`;
                if (args.type === T.dockerImage) {
                    state.repoDigest = `${text(inputs.imageName).split(":")[0]}@sha256:${"a".repeat(64)}`;
                }
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs as pulumi.runtime.MockCallResult;
            },
        },
        "azora-platform",
        "unit",
        false,
    );
    return resources;
}

/** Waits for the mock engine, then until no registration has arrived for several turns of the event loop. */
export async function settle(resources: Registered[]): Promise<void> {
    await installed;
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
    return text(r.inputs.metadata?.name);
}

export function object(resources: Registered[], type: string, name: string, namespace?: string): Obj {
    const found = resources.filter(
        (r) =>
            r.type === type &&
            nameOf(r) === name &&
            (namespace === undefined || text(r.inputs.metadata.namespace) === namespace),
    );
    if (found.length !== 1) {
        const have = ofType(resources, type).map(nameOf).join(", ");
        throw new Error(`expected one ${type} named ${name}, found ${found.length}; have: ${have}`);
    }
    return found[0].inputs;
}

export function workloads(resources: Registered[]): Registered[] {
    return resources.filter((r) => workloadTypes.includes(r.type));
}

export function podSpec(workload: Obj): Obj {
    return workload.spec.template.spec;
}

export function container(workload: Obj, name?: string): Obj {
    const cs = list(podSpec(workload).containers);
    const found = name ? cs.find((c) => text(c.name) === name) : cs[0];
    if (!found) throw new Error(`no container ${name ?? "(first)"}`);
    return found;
}

/** A ConfigMap's entry as text; throws when the ConfigMap has no such entry. */
function dataText(configMap: Obj, key: string): string {
    const value: unknown = configMap.data[key];
    if (typeof value !== "string") throw new Error(`ConfigMap ${text(configMap.metadata.name)} has no key ${key}`);
    return value;
}

export function configText(resources: Registered[], name: string, key: string, namespace?: string): string {
    return dataText(object(resources, T.configMap, name, namespace), key);
}

export function configYaml(resources: Registered[], name: string, key: string, namespace?: string): Obj {
    return parse(configText(resources, name, key, namespace)) as Obj;
}

/** A ConfigMap's YAML entry, parsed. */
export function dataYaml(configMap: Obj, key: string): Obj {
    return parse(dataText(configMap, key)) as Obj;
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
