// Kinds, identities, pod templates, containers and selectors of the Kubernetes objects the pack
// inspects, recognised by their Pulumi type token (`kubernetes:<group>/<version>:<Kind>`). The object
// shapes are in ./k8s-types.ts.
import type {
    Labels,
    LabelSelector,
    Container,
    PodSpec,
    PodTemplateObject,
    PodTemplateSpec,
    WorkloadSpec,
    KubeObject,
    WithSpec,
} from "./k8s-types";

export type * from "./k8s-types";

// ---------------------------------------------------------------------------------------------
// Type tokens
// ---------------------------------------------------------------------------------------------

/**
 * Kinds recognised by the pack and the API groups that serve them (the legacy `extensions` group
 * included, so an old apiVersion cannot slip an object past the pack).
 */
const KINDS = {
    Pod: { groups: ["core"], kind: "Pod" },
    PodTemplate: { groups: ["core"], kind: "PodTemplate" },
    ReplicationController: { groups: ["core"], kind: "ReplicationController" },
    Deployment: { groups: ["apps", "extensions"], kind: "Deployment" },
    StatefulSet: { groups: ["apps"], kind: "StatefulSet" },
    DaemonSet: { groups: ["apps", "extensions"], kind: "DaemonSet" },
    ReplicaSet: { groups: ["apps", "extensions"], kind: "ReplicaSet" },
    Job: { groups: ["batch"], kind: "Job" },
    CronJob: { groups: ["batch"], kind: "CronJob" },
    Service: { groups: ["core"], kind: "Service" },
    ServiceAccount: { groups: ["core"], kind: "ServiceAccount" },
    ConfigMap: { groups: ["core"], kind: "ConfigMap" },
    Secret: { groups: ["core"], kind: "Secret" },
    PersistentVolume: { groups: ["core"], kind: "PersistentVolume" },
    Namespace: { groups: ["core"], kind: "Namespace" },
    Ingress: { groups: ["networking.k8s.io", "extensions"], kind: "Ingress" },
    Gateway: { groups: ["gateway.networking.k8s.io"], kind: "Gateway" },
    ListenerSet: { groups: ["gateway.networking.k8s.io"], kind: "ListenerSet" },
    HTTPRoute: { groups: ["gateway.networking.k8s.io"], kind: "HTTPRoute" },
    GRPCRoute: { groups: ["gateway.networking.k8s.io"], kind: "GRPCRoute" },
    TLSRoute: { groups: ["gateway.networking.k8s.io"], kind: "TLSRoute" },
    TCPRoute: { groups: ["gateway.networking.k8s.io"], kind: "TCPRoute" },
    UDPRoute: { groups: ["gateway.networking.k8s.io"], kind: "UDPRoute" },
    ClientTrafficPolicy: { groups: ["gateway.envoyproxy.io"], kind: "ClientTrafficPolicy" },
    BackendTrafficPolicy: { groups: ["gateway.envoyproxy.io"], kind: "BackendTrafficPolicy" },
    NetworkPolicy: { groups: ["networking.k8s.io", "extensions"], kind: "NetworkPolicy" },
    PodDisruptionBudget: { groups: ["policy"], kind: "PodDisruptionBudget" },
    HorizontalPodAutoscaler: { groups: ["autoscaling"], kind: "HorizontalPodAutoscaler" },
    Role: { groups: ["rbac.authorization.k8s.io"], kind: "Role" },
    ClusterRole: { groups: ["rbac.authorization.k8s.io"], kind: "ClusterRole" },
    RoleBinding: { groups: ["rbac.authorization.k8s.io"], kind: "RoleBinding" },
    ClusterRoleBinding: { groups: ["rbac.authorization.k8s.io"], kind: "ClusterRoleBinding" },
} as const;

export type KindName = keyof typeof KINDS;

/** Every kind the pack recognises (for rules that look at any object, e.g. its annotations). */
export const ALL_KINDS: readonly KindName[] = Object.keys(KINDS) as KindName[];

export const POD_BEARING_KINDS: readonly KindName[] = [
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
];

const CLUSTER_SCOPED: ReadonlySet<KindName> = new Set<KindName>([
    "Namespace",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
]);

const TYPE_TOKEN = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/;

/**
 * Returns the kind of a Pulumi Kubernetes type token (`kubernetes:apps/v1:Deployment` → `Deployment`),
 * for any API version of the group. Patch and List variants (`DeploymentPatch`, `DeploymentList`)
 * and other providers' types yield `undefined`.
 */
export function kindOfType(type: string): KindName | undefined {
    const m = TYPE_TOKEN.exec(type);
    if (!m) {
        return undefined;
    }
    const [, group, , kind] = m;
    for (const name of Object.keys(KINDS) as KindName[]) {
        const k: { readonly groups: readonly string[]; readonly kind: string } = KINDS[name];
        if (k.kind === kind && k.groups.includes(group)) {
            return name;
        }
    }
    return undefined;
}

function isClusterScoped(kind: KindName): boolean {
    return CLUSTER_SCOPED.has(kind);
}

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

/** What a policy says about an object: its kind, namespace and Kubernetes name. */
export interface ObjectIdentity {
    readonly kind: KindName;
    readonly namespace?: string;
    readonly name: string;
}

/**
 * The identity of a Kubernetes object: `metadata.name` when set, else the Pulumi resource name
 * (the program names objects explicitly, but the pack does not rely on it). Namespaced objects
 * without `metadata.namespace` land in `default`.
 */
export function identityOf(kind: KindName, props: KubeObject, pulumiName: string): ObjectIdentity {
    const rawName = readKnown(() => props.metadata?.name);
    const name = typeof rawName === "string" && rawName !== "" && rawName !== COMPUTED ? rawName : pulumiName;
    if (isClusterScoped(kind)) {
        return { kind, name };
    }
    const rawNamespace = readKnown(() => props.metadata?.namespace);
    const namespace =
        rawNamespace === COMPUTED ? COMPUTED : typeof rawNamespace === "string" && rawNamespace !== "" ? rawNamespace : "default";
    return { kind, namespace, name };
}

/** Stands in for a name or namespace that is only known after deployment (a preview's unknown). */
export const COMPUTED = "(computed)";

/**
 * Reads a value that may be unknown during a preview: the policy server's property proxy throws on
 * access to an unknown value. Identity must not stop a policy from running (an unknown namespace
 * matches no exemption, so the rule still applies), so unknowns become COMPUTED here.
 */
function readKnown<T>(read: () => T): T | typeof COMPUTED {
    try {
        return read();
    } catch {
        return COMPUTED;
    }
}

/** The value `read()` returns, or undefined when it is not known yet (see knownString). */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch {
        return undefined;
    }
}

/**
 * Whether `read()` can be evaluated now: false for a value only known after deployment (a computed
 * output during a preview, which the policy server's proxy refuses to read).
 */
export function isKnown(read: () => unknown): boolean {
    try {
        read();
        return true;
    } catch {
        return false;
    }
}

/**
 * The string value of `read()`, or undefined when it is not a string or not known yet (a computed
 * output during a preview, which the policy server's proxy refuses to read): a value only known
 * after deployment cannot be judged now, and must not stop the rest of the object being judged.
 */
export function knownString(read: () => unknown): string | undefined {
    const value = known(read);
    return typeof value === "string" ? value : undefined;
}

/** The number `read()` returns, or undefined when it is not a number or not known yet. */
export function knownNumber(read: () => unknown): number | undefined {
    const value = known(read);
    return typeof value === "number" ? value : undefined;
}

/**
 * The known items of the list `read()` returns: [] when it is not a list or not known yet, and
 * without the items that are not known yet.
 */
export function knownItems<T>(read: () => readonly T[] | undefined): T[] {
    const value: unknown = known(read);
    if (!Array.isArray(value)) {
        return [];
    }
    const list = value as readonly T[];
    const out: T[] = [];
    for (let i = 0; i < list.length; i++) {
        try {
            const item = list[i];
            if (item !== undefined && item !== null) {
                out.push(item);
            }
        } catch {
            // an item only known after deployment: judged then, not now
        }
    }
    return out;
}

/** `Deployment azora/api-gateway`, `Namespace azora`. */
export function describe(id: ObjectIdentity): string {
    return id.namespace === undefined ? `${id.kind} ${id.name}` : `${id.kind} ${id.namespace}/${id.name}`;
}

/**
 * Whether a reference from config names this object. Accepted forms:
 * `name`, `Kind/name` (cluster-scoped, or any namespace) and `Kind/namespace/name`. Kinds compare
 * case-insensitively; names and namespaces exactly.
 */
export function referenceMatches(ref: string, id: ObjectIdentity): boolean {
    const parts = ref.split("/");
    if (parts.length === 1) {
        return parts[0] === id.name;
    }
    if (parts.length === 2) {
        return parts[0].toLowerCase() === id.kind.toLowerCase() && parts[1] === id.name;
    }
    if (parts.length === 3) {
        return parts[0].toLowerCase() === id.kind.toLowerCase() && parts[1] === (id.namespace ?? "") && parts[2] === id.name;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Pod specs
// ---------------------------------------------------------------------------------------------

/** The pod template (labels + spec) of a pod-bearing object, or undefined for other kinds. */
export function podTemplateOf(kind: KindName, props: KubeObject): PodTemplateSpec | undefined {
    switch (kind) {
        case "Pod": {
            const pod = props as WithSpec<PodSpec>;
            return { metadata: pod.metadata, spec: pod.spec };
        }
        case "PodTemplate":
            return (props as PodTemplateObject).template;
        case "ReplicationController":
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "Job":
            return (props as WithSpec<WorkloadSpec>).spec?.template;
        case "CronJob":
            return (props as WithSpec<WorkloadSpec>).spec?.jobTemplate?.spec?.template;
        default:
            return undefined;
    }
}

export type ContainerKind = "container" | "initContainer" | "ephemeralContainer";

export interface ContainerRef {
    readonly kind: ContainerKind;
    readonly container: Container;
    /** `container "app"`, `initContainer "migrate"`. */
    readonly label: string;
}

function listOf<T>(value: readonly T[] | undefined): readonly T[] {
    return Array.isArray(value) ? (value as readonly T[]) : [];
}

export function containersOf(
    spec: PodSpec | undefined,
    kinds: readonly ContainerKind[] = ["container", "initContainer", "ephemeralContainer"],
): ContainerRef[] {
    if (!spec) {
        return [];
    }
    const out: ContainerRef[] = [];
    const add = (kind: ContainerKind, list: readonly Container[] | undefined): void => {
        if (!kinds.includes(kind)) {
            return;
        }
        listOf(list).forEach((container, index) => {
            const name = typeof container?.name === "string" ? container.name : `#${index}`;
            // A native sidecar is an initContainer that keeps running (restartPolicy Always).
            const role = kind === "initContainer" && container?.restartPolicy === "Always" ? "sidecar initContainer" : kind;
            out.push({ kind, container: container ?? {}, label: `${role} "${name}"` });
        });
    };
    add("container", spec.containers);
    add("initContainer", spec.initContainers);
    add("ephemeralContainer", spec.ephemeralContainers);
    return out;
}

export function arrayOf<T>(value: readonly T[] | undefined): readonly T[] {
    return listOf(value);
}

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

/** Whether `subset` (a Service-style equality selector) is contained in `labels`. */
export function mapSelects(selector: Labels, labels: Labels | undefined): boolean {
    const l = labels ?? {};
    return Object.entries(selector).every(([k, v]) => l[k] === v);
}

export function isEmptySelector(selector: LabelSelector | undefined): boolean {
    if (!selector) {
        return true;
    }
    const ml = selector.matchLabels ?? {};
    const me = selector.matchExpressions ?? [];
    return Object.keys(ml).length === 0 && me.length === 0;
}

/** Kubernetes LabelSelector semantics: all matchLabels and all matchExpressions must hold; empty selects all. */
export function labelSelectorSelects(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
    if (!selector) {
        return true;
    }
    const l = labels ?? {};
    if (!mapSelects(selector.matchLabels ?? {}, l)) {
        return false;
    }
    for (const req of arrayOf(selector.matchExpressions)) {
        const key = req.key ?? "";
        const has = Object.prototype.hasOwnProperty.call(l, key);
        const values = arrayOf(req.values);
        switch (req.operator) {
            case "In":
                if (!has || !values.includes(l[key])) return false;
                break;
            case "NotIn":
                if (has && values.includes(l[key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                return false;
        }
    }
    return true;
}
