// Hand-built Kubernetes objects for the policy tests. Every builder returns an object that passes
// every policy of the pack; tests override one thing to provoke one violation.
import type {
    BackendTrafficPolicySpec,
    ClientTrafficPolicySpec,
    ConfigMapObject,
    Container,
    GatewaySpec,
    KubeObject,
    Labels,
    Listener,
    NetworkPolicySpec,
    PersistentVolumeObject,
    PodDisruptionBudgetSpec,
    PodSecurityContext,
    PodSpec,
    RoleObject,
    RouteSpec,
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
    Gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    ListenerSet: "kubernetes:gateway.networking.k8s.io/v1:ListenerSet",
    HTTPRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    GRPCRoute: "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute",
    TCPRoute: "kubernetes:gateway.networking.k8s.io/v1:TCPRoute",
    ClientTrafficPolicy: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
    BackendTrafficPolicy: "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
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

/** An Ingress (the pack refuses every one: edge-no-ingress). */
interface IngressSpec {
    readonly ingressClassName?: string;
    readonly tls?: readonly { readonly hosts?: readonly string[]; readonly secretName?: string }[];
    readonly rules?: readonly { readonly host?: string }[];
}

export function ingress(name: string, spec: IngressSpec, ns = NS): TestResource {
    return object<WithSpec<IngressSpec>>(TYPES.Ingress, name, {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name, namespace: ns },
        spec,
    });
}

// ---------------------------------------------------------------------------------------------
// The edge: Gateway API and Envoy Gateway objects as the program renders them (/tmp/edge-contract.md,
// issue 16): Gateway azora/api-gateway with an https and an http listener, the http→https redirect
// route, one HTTPRoute per public route with its rate-limiting BackendTrafficPolicy, and the
// ClientTrafficPolicy of the Gateway.
// ---------------------------------------------------------------------------------------------

const GATEWAY_API = "gateway.networking.k8s.io";
const ENVOY_GATEWAY = "gateway.envoyproxy.io/v1alpha1";
export const EDGE_GATEWAY = "api-gateway";
export const EDGE_HOST = "api.azora.example";
const EDGE_LABELS: Labels = {
    "app.kubernetes.io/name": "edge",
    "app.kubernetes.io/component": "edge",
    "app.kubernetes.io/part-of": "azora",
};

export const HTTPS_LISTENER: Listener = {
    name: "https",
    port: 443,
    protocol: "HTTPS",
    hostname: EDGE_HOST,
    tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "api-gateway-tls" }] },
    allowedRoutes: { namespaces: { from: "Same" } },
};

export const HTTP_LISTENER: Listener = {
    name: "http",
    port: 80,
    protocol: "HTTP",
    hostname: EDGE_HOST,
    allowedRoutes: { namespaces: { from: "Same" } },
};

export function gateway(
    name = EDGE_GATEWAY,
    listeners: readonly Listener[] = [HTTPS_LISTENER, HTTP_LISTENER],
    ns = NS,
    kind: "Gateway" | "ListenerSet" = "Gateway",
): TestResource {
    const spec: GatewaySpec & { readonly parentRef?: object } =
        kind === "Gateway" ? { gatewayClassName: "azora-envoy", listeners } : { parentRef: { name: EDGE_GATEWAY }, listeners };
    return object<WithSpec<GatewaySpec>>(TYPES[kind], name, {
        apiVersion: `${GATEWAY_API}/v1`,
        kind,
        metadata: { name, namespace: ns, labels: EDGE_LABELS },
        spec,
    });
}

type RouteKind = "HTTPRoute" | "GRPCRoute" | "TCPRoute";

export function route(name: string, spec: RouteSpec, ns = NS, kind: RouteKind = "HTTPRoute", labels: Labels = EDGE_LABELS): TestResource {
    return object<WithSpec<RouteSpec>>(TYPES[kind], name, {
        apiVersion: `${GATEWAY_API}/v1`,
        kind,
        metadata: { name, namespace: ns, labels },
        spec,
    });
}

/** The http listener's one route: every request redirected to https, no backend. */
export function redirectRoute(ns = NS): TestResource {
    return route(
        `${EDGE_GATEWAY}-http-redirect`,
        {
            parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }],
            hostnames: [EDGE_HOST],
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        },
        ns,
    );
}

/** A public route on the https listener: security headers, CORS, the api-gateway Service as its backend. */
export function publicRoute(name: string, path = "/", ns = NS, spec: Partial<RouteSpec> = {}): TestResource {
    const rule = {
        matches: [{ path: { type: "PathPrefix", value: path } }],
        filters: [
            {
                type: "ResponseHeaderModifier",
                responseHeaderModifier: { set: [{ name: "Strict-Transport-Security", value: "max-age=31536000" }] },
            },
            { type: "CORS", cors: { allowOrigins: ["https://app.azora.example"], allowMethods: ["GET", "POST"] } },
        ],
        backendRefs: [{ name: EDGE_GATEWAY, port: 4000 }],
    };
    return route(
        `${EDGE_GATEWAY}-${name}`,
        { parentRefs: [{ name: EDGE_GATEWAY, sectionName: "https" }], hostnames: [EDGE_HOST], rules: [rule], ...spec },
        ns,
    );
}

export function backendTrafficPolicy(name: string, spec: BackendTrafficPolicySpec, ns = NS): TestResource {
    return object<WithSpec<BackendTrafficPolicySpec>>(TYPES.BackendTrafficPolicy, name, {
        apiVersion: ENVOY_GATEWAY,
        kind: "BackendTrafficPolicy",
        metadata: { name, namespace: ns, labels: EDGE_LABELS },
        spec,
    });
}

/** The contract's local rate limit: per-client burst and sustained limits, and a whole-route limit. */
export const RATE_LIMIT: NonNullable<BackendTrafficPolicySpec["rateLimit"]> = {
    type: "Local",
    local: {
        rules: [
            { clientSelectors: [{ sourceCIDR: { type: "Distinct", value: "0.0.0.0/0" } }], limit: { requests: 20, unit: "Second" } },
            { clientSelectors: [{ sourceCIDR: { type: "Distinct", value: "0.0.0.0/0" } }], limit: { requests: 600, unit: "Minute" } },
            { clientSelectors: [{ path: { type: "PathPrefix", value: "/" } }], limit: { requests: 500, unit: "Second" } },
        ],
    },
};

/** The rate-limiting BackendTrafficPolicy of one HTTPRoute (named like it). */
export function routeRateLimit(routeName: string, ns = NS, spec: Partial<BackendTrafficPolicySpec> = {}): TestResource {
    return backendTrafficPolicy(
        routeName,
        {
            targetRefs: [{ group: GATEWAY_API, kind: "HTTPRoute", name: routeName }],
            rateLimit: RATE_LIMIT,
            ...spec,
        },
        ns,
    );
}

function clientTrafficPolicy(name: string, spec: ClientTrafficPolicySpec, ns = NS): TestResource {
    return object<WithSpec<ClientTrafficPolicySpec>>(TYPES.ClientTrafficPolicy, name, {
        apiVersion: ENVOY_GATEWAY,
        kind: "ClientTrafficPolicy",
        metadata: { name, namespace: ns, labels: EDGE_LABELS },
        spec,
    });
}

/** The Gateway's ClientTrafficPolicy: TLS 1.2 at least. */
export function gatewayClientPolicy(ns = NS, tls: ClientTrafficPolicySpec["tls"] = { minVersion: "1.2" }): TestResource {
    return clientTrafficPolicy(EDGE_GATEWAY, { targetRefs: [{ group: GATEWAY_API, kind: "Gateway", name: EDGE_GATEWAY }], tls }, ns);
}

/** The public routes the catalog declares on the gateway, with their path prefixes. */
const PUBLIC_ROUTES: readonly (readonly [string, string])[] = [
    ["auth", "/api/auth"],
    ["payments", "/api/payments"],
    ["default", "/"],
];

/** The whole edge as the program renders it: Gateway, redirect route, public routes and their policies. */
export function platformEdge(ns = NS): TestResource[] {
    return [
        gateway(EDGE_GATEWAY, [HTTPS_LISTENER, HTTP_LISTENER], ns),
        redirectRoute(ns),
        ...PUBLIC_ROUTES.flatMap(([name, path]) => [publicRoute(name, path, ns), routeRateLimit(`${EDGE_GATEWAY}-${name}`, ns)]),
        gatewayClientPolicy(ns),
    ];
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
        ...platformEdge(NS),
    ];
}
