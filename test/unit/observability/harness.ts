// Test harness for the observability components: a recording mock engine, a wait for every
// pending registration, settings fixtures and accessors for the Kubernetes objects' inputs.
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { observabilitySchema, type ObservabilitySettings } from "../../../components/config/schema";

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
    randomPassword: "random:index/randomPassword:RandomPassword",
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

// ---- Settings --------------------------------------------------------------------------------

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge<A>(base: A, over: DeepPartial<A> | undefined): A {
    if (!over) return base;
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
        const b = out[k];
        out[k] =
            v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object"
                ? merge(b as Record<string, unknown>, v as DeepPartial<Record<string, unknown>>)
                : v;
    }
    return out as A;
}

/** Settings as a small stack would write them, parsed by the real schema (defaults applied). */
export function settings(over?: DeepPartial<ObservabilitySettings>): ObservabilitySettings {
    const base = observabilitySchema.parse({
        prometheus: { persistence: { size: "50Gi" } },
        alertmanager: { receiver: { type: "none" } },
        grafana: { persistence: { size: "5Gi" } },
        loki: { persistence: { size: "50Gi" } },
        jaeger: { persistence: { size: "10Gi" } },
        otelCollector: {},
    });
    return observabilitySchema.parse(merge(base, over));
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

export function isSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && secretSig in (value as Obj);
}

export function reveal(value: unknown): unknown {
    return isSecret(value) ? (value as Obj).value : value;
}

export const selectorOf = (name: string): Record<string, string> => ({
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/part-of": "azora",
});
