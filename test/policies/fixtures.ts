// Hand-built Kubernetes objects for the policy tests. Every builder returns an object that passes
// every policy of the pack; tests override one thing to provoke one violation.
import type {
    ConfigMapObject,
    Container,
    IngressSpec,
    KubeObject,
    NetworkPolicySpec,
    PersistentVolumeObject,
    PodDisruptionBudgetSpec,
    PodSecurityContext,
    PodSpec,
    RoleObject,
    SecretObject,
    SecurityContext,
    ServiceSpec,
    WithSpec,
    WorkloadSpec,
} from "../../policies/lib/k8s";
import type { TestResource } from "./harness";

const NS = "azora";
const OBS_NS = "azora-observability";
export const DIGEST = `sha256:${"ab".repeat(32)}`;

const TYPES = {
    Pod: "kubernetes:core/v1:Pod",
    PodTemplate: "kubernetes:core/v1:PodTemplate",
    ReplicationController: "kubernetes:core/v1:ReplicationController",
    Secret: "kubernetes:core/v1:Secret",
    PersistentVolume: "kubernetes:core/v1:PersistentVolume",
    Deployment: "kubernetes:apps/v1:Deployment",
    StatefulSet: "kubernetes:apps/v1:StatefulSet",
    DaemonSet: "kubernetes:apps/v1:DaemonSet",
    ReplicaSet: "kubernetes:apps/v1:ReplicaSet",
    Job: "kubernetes:batch/v1:Job",
    CronJob: "kubernetes:batch/v1:CronJob",
    Service: "kubernetes:core/v1:Service",
    ServiceAccount: "kubernetes:core/v1:ServiceAccount",
    ConfigMap: "kubernetes:core/v1:ConfigMap",
    Namespace: "kubernetes:core/v1:Namespace",
    Ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    NetworkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    PodDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
    HorizontalPodAutoscaler: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    Role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    ClusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    RoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    ClusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
} as const;

export type WorkloadKind =
    | "Pod"
    | "PodTemplate"
    | "ReplicationController"
    | "Deployment"
    | "StatefulSet"
    | "DaemonSet"
    | "ReplicaSet"
    | "Job"
    | "CronJob";
export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
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

export function labelsFor(app: string): Record<string, string> {
    return { "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "azora" };
}

export const SECURE_CONTAINER_CONTEXT: SecurityContext = {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
};

export const SECURE_POD_CONTEXT: PodSecurityContext = {
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10001,
    fsGroup: 10001,
    seccompProfile: { type: "RuntimeDefault" },
};

const HTTP_PROBE = { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 10 };

export function container(name: string, overrides: Container = {}): Container {
    return {
        name,
        image: `ghcr.io/azora-os/${name}:1.4.2@${DIGEST}`,
        ports: [{ name: "http", containerPort: 8080 }],
        env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "DB_PASSWORD_FILE", value: "/var/run/secrets/azora/DB_PASSWORD" },
        ],
        resources: {
            requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
            limits: { memory: "256Mi", "ephemeral-storage": "128Mi" },
        },
        securityContext: SECURE_CONTAINER_CONTEXT,
        readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
        livenessProbe: HTTP_PROBE,
        startupProbe: { ...HTTP_PROBE, failureThreshold: 30 },
        volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            { name: "secrets", mountPath: "/var/run/secrets/azora", readOnly: true },
        ],
        ...overrides,
    };
}

function podSpec(app: string, overrides: PodSpec = {}, containerOverrides: Container = {}): PodSpec {
    return {
        serviceAccountName: app,
        automountServiceAccountToken: false,
        securityContext: SECURE_POD_CONTEXT,
        containers: [container(app, containerOverrides)],
        volumes: [
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            { name: "secrets", secret: { secretName: `${app}-secrets`, defaultMode: 0o440 } },
        ],
        topologySpreadConstraints: [
            {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: labelsFor(app) },
            },
        ],
        ...overrides,
    };
}

export interface WorkloadOptions {
    readonly namespace?: string;
    /** Overrides of the pod spec (shallow). */
    readonly pod?: PodSpec;
    /** Overrides of the first container (shallow). */
    readonly container?: Container;
    readonly replicas?: number;
    readonly labels?: Record<string, string>;
}

/** A compliant pod-bearing object of the given kind, running `app`. */
export function workload(kind: WorkloadKind, app: string, opts: WorkloadOptions = {}): TestResource {
    const labels = opts.labels ?? labelsFor(app);
    const metadata = { name: app, namespace: opts.namespace ?? NS, labels };
    const spec = podSpec(app, opts.pod, opts.container);
    const template = { metadata: { labels }, spec };
    const selector = { matchLabels: labels };
    let props: KubeObject & { spec?: object };
    switch (kind) {
        case "Pod":
            props = { apiVersion: "v1", kind, metadata, spec };
            break;
        case "PodTemplate":
            props = { apiVersion: "v1", kind, metadata, template } as KubeObject;
            break;
        case "ReplicationController":
            props = { apiVersion: "v1", kind, metadata, spec: { replicas: opts.replicas ?? 2, selector: labels, template } };
            break;
        case "Deployment":
        case "ReplicaSet":
            props = { apiVersion: "apps/v1", kind, metadata, spec: { replicas: opts.replicas ?? 2, selector, template } };
            break;
        case "StatefulSet":
            props = {
                apiVersion: "apps/v1",
                kind,
                metadata,
                spec: { replicas: opts.replicas ?? 2, serviceName: app, selector, template },
            };
            break;
        case "DaemonSet":
            props = { apiVersion: "apps/v1", kind, metadata, spec: { selector, template } };
            break;
        case "Job":
            props = {
                apiVersion: "batch/v1",
                kind,
                metadata,
                spec: { template: { ...template, spec: { ...spec, restartPolicy: "Never" } } },
            };
            break;
        case "CronJob":
            props = {
                apiVersion: "batch/v1",
                kind,
                metadata,
                spec: {
                    schedule: "0 3 * * *",
                    jobTemplate: { spec: { template: { ...template, spec: { ...spec, restartPolicy: "Never" } } } },
                },
            };
            break;
    }
    return { type: TYPES[kind], name: app, props };
}

export function deployment(app: string, opts: WorkloadOptions = {}): TestResource {
    return workload("Deployment", app, opts);
}

function object<T extends KubeObject>(type: string, name: string, props: T): TestResource {
    return { type, name, props };
}

export function namespace(name: string, labels: Record<string, string> = restrictedLabels()): TestResource {
    return object(TYPES.Namespace, name, { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
}

export function restrictedLabels(): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
    };
}

/** A ServiceAccount; `automount: "unset"` leaves automountServiceAccountToken out (the API then mounts the token). */
export function serviceAccount(name: string, ns = NS, automount: boolean | "unset" = false): TestResource {
    return object(TYPES.ServiceAccount, name, {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace: ns },
        ...(automount === "unset" ? {} : { automountServiceAccountToken: automount }),
    });
}

export function service(app: string, spec: ServiceSpec = {}, ns = NS): TestResource {
    return object<WithSpec<ServiceSpec>>(TYPES.Service, app, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: app, namespace: ns, labels: labelsFor(app) },
        spec: { type: "ClusterIP", selector: labelsFor(app), ports: [{ name: "http", port: 80, targetPort: "http" }], ...spec },
    });
}

export function pdb(
    app: string,
    spec: PodDisruptionBudgetSpec = { maxUnavailable: 1, selector: { matchLabels: labelsFor(app) } },
    ns = NS,
): TestResource {
    return object<WithSpec<PodDisruptionBudgetSpec>>(TYPES.PodDisruptionBudget, app, {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: app, namespace: ns },
        spec,
    });
}

/** An HPA for `target`; `minReplicas: "unset"` leaves it out (the API then defaults to 1). */
export function hpa(
    app: string,
    minReplicas: number | "unset" = 2,
    target = app,
    ns = NS,
    targetKind = "Deployment",
): TestResource {
    return object(TYPES.HorizontalPodAutoscaler, app, {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name: app, namespace: ns },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: targetKind, name: target },
            ...(minReplicas === "unset" ? {} : { minReplicas }),
            maxReplicas: 6,
        },
    });
}

export function networkPolicy(name: string, spec: NetworkPolicySpec, ns = NS): TestResource {
    return object<WithSpec<NetworkPolicySpec>>(TYPES.NetworkPolicy, name, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name, namespace: ns },
        spec,
    });
}

export function defaultDeny(ns = NS): TestResource {
    return networkPolicy(
        "default-deny",
        {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            egress: [
                {
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
            ],
        },
        ns,
    );
}

export function allowIngressTo(app: string, ns = NS): TestResource {
    return networkPolicy(
        `${app}-ingress`,
        {
            podSelector: { matchLabels: labelsFor(app) },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: { matchLabels: labelsFor("api-gateway") } }], ports: [{ port: 8080 }] }],
        },
        ns,
    );
}

export function ingress(name: string, spec: IngressSpec, ns = NS): TestResource {
    return object<WithSpec<IngressSpec>>(TYPES.Ingress, name, {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name, namespace: ns },
        spec,
    });
}

export function role(name: string, rules: RoleObject["rules"], kind: "Role" | "ClusterRole" = "Role", ns = NS): TestResource {
    const metadata = kind === "Role" ? { name, namespace: ns } : { name };
    return object<RoleObject>(TYPES[kind], name, { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata, rules });
}

export function binding(
    name: string,
    roleRef: { kind: string; name: string },
    kind: "RoleBinding" | "ClusterRoleBinding" = "RoleBinding",
    subjects: readonly { kind: string; name: string; namespace?: string }[] = [{ kind: "ServiceAccount", name, namespace: NS }],
): TestResource {
    const metadata = kind === "RoleBinding" ? { name, namespace: NS } : { name };
    return object(TYPES[kind], name, {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind,
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
        subjects,
    });
}

export function configMap(name: string, data: Record<string, string>, ns = NS): TestResource {
    return object<ConfigMapObject>(TYPES.ConfigMap, name, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace: ns },
        data,
    });
}

export function secret(name: string, type = "Opaque", ns = NS): TestResource {
    return object<SecretObject>(TYPES.Secret, name, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ns },
        type,
    });
}

export function persistentVolume(name: string, spec: Record<string, unknown>): TestResource {
    return object<PersistentVolumeObject>(TYPES.PersistentVolume, name, {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name },
        spec,
    });
}

/** The object with `annotations` added to its own metadata. */
export function withAnnotations(r: TestResource, annotations: Record<string, string>): TestResource {
    const props = r.props as KubeObject;
    return {
        ...r,
        props: { ...props, metadata: { ...props.metadata, annotations: { ...props.metadata?.annotations, ...annotations } } },
    };
}

/** The pod-bearing object with `annotations` on its pod template (Deployment-shaped kinds). */
export function withTemplateAnnotations(r: TestResource, annotations: Record<string, string>): TestResource {
    const props = r.props as WithSpec<WorkloadSpec>;
    const template = props.spec?.template ?? {};
    return {
        ...r,
        props: { ...props, spec: { ...props.spec, template: { ...template, metadata: { ...template.metadata, annotations } } } },
    };
}

/** Everything one service brings: SA, Deployment, Service, HPA, PDB and its ingress NetworkPolicy. */
export function serviceBundle(app: string, opts: WorkloadOptions = {}): TestResource[] {
    const ns = opts.namespace ?? NS;
    return [
        serviceAccount(app, ns),
        deployment(app, opts),
        service(app, {}, ns),
        hpa(app, 2, app, ns),
        pdb(app, undefined, ns),
        allowIngressTo(app, ns),
    ];
}

/** A small stack that passes every policy of the pack under every environment's config. */
export function compliantStack(): TestResource[] {
    return [
        namespace(NS),
        namespace(OBS_NS),
        defaultDeny(NS),
        defaultDeny(OBS_NS),
        ...serviceBundle("api-gateway"),
        ...serviceBundle("auth-service"),
        ...serviceBundle("grafana", { namespace: OBS_NS, container: { image: `docker.io/grafana/grafana:11.2.0@${DIGEST}` } }),
        role("auth-service", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "watch"] }]),
        binding("auth-service", { kind: "Role", name: "auth-service" }),
        configMap("api-gateway-config", {
            LOG_LEVEL: "info",
            TOKEN_TTL_SECONDS: "900",
            UPSTREAM_URL: "http://auth-service.azora.svc",
        }),
        ingress("edge", {
            tls: [{ hosts: ["api.azora.example", "*.apps.azora.example"], secretName: "edge-tls" }],
            rules: [{ host: "api.azora.example" }, { host: "grafana.apps.azora.example" }],
        }),
    ];
}
