// The per-pair proof of the pack (issue 15): each case is a small, otherwise fully compliant world
// (its own restricted namespace, default-deny NetworkPolicy, ServiceAccount, workload, Service, PDB,
// HPA and ingress policy) with exactly one unsafe detail, and names the (object, policy) pairs that
// detail must draw — usually one. test/fixtures/pairs/index.ts deploys every case through a real
// `pulumi preview --policy-pack`; test/integration/policy-pairs.test.ts asserts that the engine reports
// exactly these pairs, so every other object of every case (the compliant controls included) draws
// nothing: a false positive fails the test as surely as a miss.
import type { Container, PodSpec, SecurityContext } from "../../policies/lib/k8s";
import {
    allowIngressTo,
    binding,
    configMap,
    container,
    defaultDeny,
    DIGEST,
    EDGE_GATEWAY,
    EDGE_HOST,
    gateway,
    gatewayClientPolicy,
    hpa,
    HTTP_LISTENER,
    HTTPS_LISTENER,
    ingress,
    labelsFor,
    namespace,
    networkPolicy,
    pdb,
    persistentVolume,
    platformEdge,
    publicRoute,
    restrictedLabels,
    role,
    route,
    routeRateLimit,
    secret,
    SECURE_CONTAINER_CONTEXT,
    SECURE_POD_CONTEXT,
    service,
    serviceAccount,
    workload,
    WorkloadKind,
    withAnnotations,
    WorkloadOptions,
    WORKLOAD_KINDS,
} from "./fixtures";
import type { TestResource } from "./harness";

/** The config the pair preview runs under: prod's, the strictest (digests and high availability required). */
export const PAIRS_POLICY_CONFIG = "policies/config/prod.json";

const APP = "app";

export interface Pair {
    /** The Pulumi resource name of the object that must draw the violation. */
    readonly resource: string;
    readonly policy: string;
}

export interface PairCase {
    /** Also the case's namespace: a DNS label. */
    readonly id: string;
    readonly objects: readonly TestResource[];
    readonly expected: readonly Pair[];
}

/** Pulumi resource names are unique per stack: each object is named `<case>.<name>`. */
function named(id: string, objects: readonly TestResource[]): TestResource[] {
    return objects.map((o) => ({ ...o, name: `${id}.${o.name}` }));
}

function resourceName(id: string, name: string): string {
    return `${id}.${name}`;
}

/** What a compliant `kind` running APP brings along, so only the case's detail can be wrong. */
function companions(kind: WorkloadKind, ns: string): TestResource[] {
    switch (kind) {
        case "Deployment":
            return [service(APP, {}, ns), hpa(APP, 2, APP, ns), pdb(APP, undefined, ns)];
        case "StatefulSet":
            return [service(APP, { clusterIP: "None" }, ns)];
        default:
            return [];
    }
}

interface WorldOptions extends WorkloadOptions {
    readonly kind?: WorkloadKind;
    /** Replaces the default-deny policy (undefined: keep it). */
    readonly withoutDefaultDeny?: boolean;
    readonly withoutIngressPolicy?: boolean;
    readonly without?: readonly ("pdb" | "hpa")[];
    /** Objects besides the world's own. */
    readonly extra?: readonly TestResource[];
    /** Replaces the world's objects of the same type and name. */
    readonly replace?: readonly TestResource[];
}

/** A compliant world in namespace `id` around one workload. */
function world(id: string, opts: WorldOptions = {}): TestResource[] {
    const kind = opts.kind ?? "Deployment";
    const objects: TestResource[] = [
        namespace(id),
        ...(opts.withoutDefaultDeny ? [] : [defaultDeny(id)]),
        ...(opts.withoutIngressPolicy ? [] : [allowIngressTo(APP, id)]),
        serviceAccount(APP, id),
        workload(kind, APP, { ...opts, namespace: id }),
        ...companions(kind, id).filter(
            (o) =>
                !(opts.without ?? []).some((w) =>
                    o.type.endsWith(w === "pdb" ? ":PodDisruptionBudget" : ":HorizontalPodAutoscaler"),
                ),
        ),
        ...(opts.extra ?? []),
    ];
    const replaced = objects.map((o) => opts.replace?.find((r) => r.type === o.type && r.name === o.name) ?? o);
    return named(id, replaced);
}

const withContext = (sc: SecurityContext): Container => ({ securityContext: { ...SECURE_CONTAINER_CONTEXT, ...sc } });

function kindOf(kind: WorkloadKind): string {
    return kind.toLowerCase();
}

/** One unsafe detail in the workload's pod; the workload draws `policy`. */
function podCase(id: string, policy: string, opts: WorldOptions): PairCase {
    return { id, objects: world(id, opts), expected: [{ resource: resourceName(id, APP), policy }] };
}

/** One unsafe object beside a compliant world; that object draws `policy`. */
function objectCase(id: string, policy: string, unsafe: (ns: string) => TestResource, worldOpts: WorldOptions = {}): PairCase {
    const obj = unsafe(id);
    return {
        id,
        objects: world(id, { ...worldOpts, extra: [obj] }),
        expected: [{ resource: resourceName(id, obj.name), policy }],
    };
}

/** The namespace of the platform's Gateway, azora/api-gateway (edge-routes-attach-to-platform-gateway's default allowedGateways). */
const EDGE_NS = "azora";

/**
 * One unsafe route on the platform's Gateway: the route sits in namespace azora beside its own copy
 * of Gateway azora/api-gateway, so the case stands alone in-process; in the one preview of every
 * case the copies are the same object, so a route is judged the same whichever copy it meets.
 */
function edgeCase(id: string, policy: string, unsafe: TestResource): PairCase {
    return {
        id,
        objects: named(id, [gateway(EDGE_GATEWAY, [HTTPS_LISTENER, HTTP_LISTENER], EDGE_NS), unsafe]),
        expected: [{ resource: resourceName(id, unsafe.name), policy }],
    };
}

const initContainer = (overrides: Container): Container =>
    container("init", {
        readinessProbe: undefined,
        livenessProbe: undefined,
        startupProbe: undefined,
        ports: undefined,
        ...overrides,
    });
const hostPathVolume = { name: "host", hostPath: { path: "/var/log" } };
const baseVolumes: PodSpec["volumes"] = [
    { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    { name: "secrets", secret: { secretName: `${APP}-secrets`, defaultMode: 0o440 } },
];
const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({ apiGroups, resources, verbs });

const PSS_PRIVILEGED = "pss-no-privileged";

/** The unsafe cases, one or more per class of the standards the pack enforces. */
export const PAIR_CASES: readonly PairCase[] = [
    // Every pod-bearing kind, one PSS control each time; every container list.
    ...WORKLOAD_KINDS.map((kind) =>
        podCase(`privileged-${kindOf(kind)}`, PSS_PRIVILEGED, { kind, container: withContext({ privileged: true }) }),
    ),
    podCase("privileged-init", PSS_PRIVILEGED, { pod: { initContainers: [initContainer(withContext({ privileged: true }))] } }),
    podCase("privileged-sidecar", PSS_PRIVILEGED, {
        pod: { initContainers: [initContainer({ restartPolicy: "Always", ...withContext({ privileged: true }) })] },
    }),
    podCase("privileged-ephemeral", PSS_PRIVILEGED, {
        kind: "Pod",
        pod: { ephemeralContainers: [initContainer(withContext({ privileged: true }))] },
    }),
    // Pod Security Standards, baseline and restricted.
    podCase("escalation", "pss-no-privilege-escalation", {
        kind: "StatefulSet",
        container: withContext({ allowPrivilegeEscalation: true }),
    }),
    podCase("root-allowed", "pss-run-as-non-root", { kind: "Job", container: withContext({ runAsNonRoot: false }) }),
    podCase("capability", "pss-drop-all-capabilities", {
        kind: "DaemonSet",
        container: withContext({ capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } }),
    }),
    podCase("seccomp-unconfined", "pss-seccomp-profile", {
        kind: "CronJob",
        container: withContext({ seccompProfile: { type: "Unconfined" } }),
    }),
    podCase("host-pid", "pss-no-host-namespaces", { kind: "ReplicaSet", pod: { hostPID: true } }),
    podCase("host-path", "pss-no-host-path", {
        pod: { volumes: [...(baseVolumes ?? []), hostPathVolume] },
        container: {
            volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                { name: "host", mountPath: "/host", readOnly: true },
            ],
        },
    }),
    {
        // Only the log shipper is exempt from pss-no-host-path (policies/config/prod.json); its mount must still be read-only.
        id: "azora-logging",
        objects: named("azora-logging", [
            namespace("azora-logging"),
            defaultDeny("azora-logging"),
            serviceAccount("log-shipper", "azora-logging"),
            workload("DaemonSet", "log-shipper", {
                namespace: "azora-logging",
                pod: { volumes: [...(baseVolumes ?? []), hostPathVolume] },
                container: {
                    volumeMounts: [
                        { name: "tmp", mountPath: "/tmp" },
                        { name: "host", mountPath: "/host" },
                    ],
                },
            }),
        ]),
        expected: [{ resource: resourceName("azora-logging", "log-shipper"), policy: "pss-host-path-read-only" }],
    },
    podCase("host-port", "pss-no-host-ports", {
        kind: "ReplicationController",
        container: { ports: [{ name: "http", containerPort: 8080, hostPort: 8080 }] },
    }),
    podCase("volume-type", "pss-allowed-volume-types", {
        kind: "PodTemplate",
        pod: { volumes: [...(baseVolumes ?? []), { name: "share", nfs: { server: "nfs", path: "/" } }] },
    }),
    podCase("proc-mount", "pss-proc-mount-default", { container: withContext({ procMount: "Unmasked" }) }),
    podCase("sysctl", "pss-safe-sysctls", {
        pod: { securityContext: { ...SECURE_POD_CONTEXT, sysctls: [{ name: "kernel.msgmax", value: "65536" }] } },
    }),
    podCase("host-process", "pss-no-host-process", { container: withContext({ windowsOptions: { hostProcess: true } }) }),
    podCase("apparmor", "pss-apparmor-profile", {
        kind: "Pod",
        container: withContext({ appArmorProfile: { type: "Unconfined" } }),
    }),
    podCase("selinux", "pss-selinux-options", { container: withContext({ seLinuxOptions: { type: "spc_t" } }) }),
    podCase("host-probe", "pss-no-host-probes", {
        container: { readinessProbe: { httpGet: { path: "/ready", port: 8080, host: "169.254.169.254" } } },
    }),
    {
        id: "namespace-baseline",
        objects: named("namespace-baseline", [
            namespace("namespace-baseline", { ...restrictedLabels(), "pod-security.kubernetes.io/enforce": "baseline" }),
        ]),
        expected: [{ resource: resourceName("namespace-baseline", "namespace-baseline"), policy: "pss-namespace-restricted" }],
    },
    // Container hardening, exhaustion and identity.
    podCase("writable-root", "container-read-only-root-filesystem", {
        container: withContext({ readOnlyRootFilesystem: false }),
    }),
    podCase("no-cpu-request", "container-resources", {
        container: {
            resources: {
                requests: { memory: "128Mi", "ephemeral-storage": "64Mi" },
                limits: { memory: "256Mi", "ephemeral-storage": "128Mi" },
            },
        },
    }),
    podCase("no-ephemeral-limit", "container-ephemeral-storage", {
        container: {
            resources: { requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" }, limits: { memory: "256Mi" } },
        },
    }),
    podCase("empty-dir-unbounded", "container-empty-dir-size-limit", {
        pod: { volumes: [{ name: "tmp", emptyDir: {} }, ...(baseVolumes ?? []).slice(1)] },
    }),
    podCase("low-uid", "container-high-uid-gid", { pod: { securityContext: { ...SECURE_POD_CONTEXT, runAsUser: 1000 } } }),
    // Images.
    podCase("latest-tag", "image-no-latest-tag", { container: { image: `ghcr.io/azora-os/${APP}:latest@${DIGEST}` } }),
    podCase("unvetted-registry", "image-allowed-registry", {
        container: { image: `registry.example.net/${APP}:1.0.0@${DIGEST}` },
    }),
    podCase("no-digest", "image-digest-pinned", { container: { image: `ghcr.io/azora-os/${APP}:1.4.2` } }),
    // Probes.
    podCase("no-startup-probe", "probes-liveness-and-startup", { container: { startupProbe: undefined } }),
    podCase("no-readiness-probe", "probes-readiness-on-served-workloads", { container: { readinessProbe: undefined } }),
    podCase("same-probes", "probes-liveness-differs-from-readiness", {
        container: {
            readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
            livenessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 20 },
        },
    }),
    // Service accounts.
    podCase("default-account", "sa-not-default", { pod: { serviceAccountName: "default" } }),
    {
        id: "token-mounted",
        objects: world("token-mounted", {
            pod: { automountServiceAccountToken: undefined },
            replace: [serviceAccount(APP, "token-mounted", "unset")],
        }),
        expected: [{ resource: resourceName("token-mounted", APP), policy: "sa-token-not-automounted" }],
    },
    // Secrets.
    podCase("literal-password", "secrets-no-literal-env", { container: { env: [{ name: "SMTP_PASS", value: "hunter2" }] } }),
    objectCase("configmap-password", "secrets-no-configmap-secrets", (ns) => configMap("settings", { "db-passwd": "x" }, ns)),
    podCase("credential-url", "secrets-no-credential-values", {
        container: { env: [{ name: "UPSTREAM_URL", value: "postgres://azora:s3cr3t@db:5432/azora" }] },
    }),
    objectCase("credential-annotation", "secrets-no-credential-values", (ns) => {
        return withAnnotations(configMap("settings", { LOG_LEVEL: "info" }, ns), { "example.com/key": "AKIAIOSFODNN7EXAMPLE" });
    }),
    podCase("secret-env", "secrets-mounted-as-files", {
        container: {
            env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: `${APP}-secrets`, key: "DB_PASSWORD" } } }],
        },
    }),
    objectCase("token-secret", "secrets-no-service-account-token-secrets", (ns) => {
        return withAnnotations(secret("ci-token", "kubernetes.io/service-account-token", ns), {
            "kubernetes.io/service-account.name": APP,
        });
    }),
    // Exposure and host access.
    objectCase("load-balancer", "network-no-external-service-types", (ns) => ({
        ...service(APP, { type: "LoadBalancer" }, ns),
        name: "public",
    })),
    objectCase("external-ips", "network-no-external-ips", (ns) => ({
        ...service(APP, { externalIPs: ["203.0.113.7"] }, ns),
        name: "intercept",
    })),
    objectCase("snippet", "network-no-config-injection-annotations", (ns) =>
        // HAProxy's controller reads its snippet annotations on Services as well as Ingresses.
        withAnnotations({ ...service(APP, {}, ns), name: "annotated" }, { "haproxy.org/backend-config-snippet": "http-request return status 200" }),
    ),
    // The edge: Gateway API and Envoy Gateway.
    objectCase("edge-listener-no-certificate", "edge-listener-tls-certificates", (ns) =>
        gateway(EDGE_GATEWAY, [{ ...HTTPS_LISTENER, tls: { mode: "Terminate" } }, HTTP_LISTENER], ns),
    ),
    edgeCase(
        "edge-plain-http-backend",
        "edge-no-plain-http-backends",
        route(
            "edge-plain-http-backend",
            {
                parentRefs: [{ name: EDGE_GATEWAY, sectionName: "http" }],
                hostnames: [EDGE_HOST],
                rules: [{ backendRefs: [{ name: EDGE_GATEWAY, port: 4000 }] }],
            },
            EDGE_NS,
        ),
    ),
    objectCase("edge-foreign-gateway", "edge-routes-attach-to-platform-gateway", (ns) =>
        route(
            "side-door",
            {
                parentRefs: [{ name: "public", sectionName: "https" }],
                hostnames: [EDGE_HOST],
                rules: [{ backendRefs: [{ name: APP, port: 80 }] }],
            },
            ns,
        ),
    ),
    edgeCase("edge-route-not-rate-limited", "edge-public-routes-rate-limited", publicRoute("unlimited", "/api/unlimited", EDGE_NS)),
    objectCase("edge-dead-route-ceiling", "edge-local-rate-limit-applies", (ns) =>
        routeRateLimit(`${EDGE_GATEWAY}-auth`, ns, {
            rateLimit: {
                type: "Local",
                local: {
                    rules: [
                        ...["0.0.0.0/0", "::/0"].map((value) => ({
                            clientSelectors: [{ sourceCIDR: { type: "Distinct", value } }],
                            limit: { requests: 20, unit: "Second" },
                        })),
                        { limit: { requests: 500, unit: "Second" } },
                    ],
                },
            },
        }),
    ),
    objectCase("edge-client-tls-1-1", "edge-client-tls-min-version", (ns) => gatewayClientPolicy(ns, { minVersion: "1.1" })),
    objectCase("ingress", "edge-no-ingress", (ns) =>
        ingress("edge", { tls: [{ hosts: [EDGE_HOST], secretName: "edge-tls" }], rules: [{ host: EDGE_HOST }] }, ns),
    ),
    objectCase("allow-all-ingress", "network-no-allow-all-policies", (ns) =>
        networkPolicy(
            "open",
            { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
            ns,
        ),
    ),
    objectCase("allow-all-egress", "network-no-allow-all-policies", (ns) =>
        networkPolicy("leak", { podSelector: { matchLabels: labelsFor(APP) }, policyTypes: ["Egress"], egress: [{}] }, ns),
    ),
    {
        id: "no-default-deny",
        objects: world("no-default-deny", { withoutDefaultDeny: true }),
        expected: [{ resource: resourceName("no-default-deny", "no-default-deny"), policy: "network-namespace-default-deny" }],
    },
    {
        // No NetworkPolicy at all: the namespace has no default-deny and the workload is selected by
        // none. Two policies by design (a default-deny selects every pod, so the second cannot fire alone).
        id: "no-network-policy",
        objects: world("no-network-policy", { withoutDefaultDeny: true, withoutIngressPolicy: true }),
        expected: [
            { resource: resourceName("no-network-policy", "no-network-policy"), policy: "network-namespace-default-deny" },
            { resource: resourceName("no-network-policy", APP), policy: "network-workloads-selected-by-policy" },
        ],
    },
    objectCase("host-path-volume", "storage-no-host-path-persistent-volumes", (ns) =>
        persistentVolume(`${ns}-node-root`, {
            capacity: { storage: "1Gi" },
            accessModes: ["ReadWriteOnce"],
            hostPath: { path: "/" },
        }),
    ),
    // RBAC good practices.
    objectCase("wildcard-verbs", "rbac-no-wildcards", (ns) => role("reader", [rule([""], ["configmaps"], ["*"])], "Role", ns)),
    objectCase("edit-binding", "rbac-no-broad-role-binding", (ns) => rb(ns, "editors", { kind: "ClusterRole", name: "edit" })),
    objectCase("public-binding", "rbac-no-public-subjects", (ns) =>
        rb(ns, "everyone", { kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "system:authenticated" }]),
    ),
    objectCase("exec", "rbac-no-pod-exec-attach", (ns) => role("debugger", [rule([""], ["pods/exec"], ["create"])], "Role", ns)),
    objectCase("secret-reader", "rbac-no-secret-read", (ns) =>
        role("secret-reader", [rule([""], ["secrets"], ["get"])], "Role", ns),
    ),
    objectCase("escalate", "rbac-no-escalate-bind-impersonate", (ns) =>
        role("escalator", [rule(["rbac.authorization.k8s.io"], ["roles"], ["escalate"])], "Role", ns),
    ),
    objectCase("impersonate", "rbac-no-escalate-bind-impersonate", (ns) =>
        role(`${ns}-impersonator`, [rule([""], ["users"], ["impersonate"])], "ClusterRole"),
    ),
    objectCase("token-request", "rbac-no-token-requests", (ns) =>
        role("minter", [rule([""], ["serviceaccounts/token"], ["create"])], "Role", ns),
    ),
    objectCase("node-proxy", "rbac-no-node-proxy", (ns) =>
        role(`${ns}-kubelet`, [rule([""], ["nodes/proxy"], ["get"])], "ClusterRole"),
    ),
    objectCase("csr-approval", "rbac-no-csr-approval", (ns) =>
        role(
            `${ns}-approver`,
            [rule(["certificates.k8s.io"], ["certificatesigningrequests/approval"], ["update"])],
            "ClusterRole",
        ),
    ),
    objectCase("webhook-writer", "rbac-no-admission-control-writes", (ns) =>
        role(
            `${ns}-webhooks`,
            [rule(["admissionregistration.k8s.io"], ["mutatingwebhookconfigurations"], ["create"])],
            "ClusterRole",
        ),
    ),
    objectCase("pv-writer", "rbac-no-persistent-volume-writes", (ns) =>
        role(`${ns}-pv`, [rule([""], ["persistentvolumes"], ["create"])], "ClusterRole"),
    ),
    objectCase("namespace-writer", "rbac-no-namespace-writes", (ns) =>
        role(`${ns}-ns`, [rule([""], ["namespaces"], ["patch"])], "ClusterRole"),
    ),
    objectCase("deployer", "rbac-workload-creation-by-deployers", (ns) =>
        role("deployer", [rule(["apps"], ["deployments"], ["create"])], "Role", ns),
    ),
    // Availability.
    {
        id: "no-pdb",
        objects: world("no-pdb", { without: ["pdb"] }),
        expected: [{ resource: resourceName("no-pdb", APP), policy: "availability-deployment-has-pdb" }],
    },
    {
        id: "no-hpa",
        objects: world("no-hpa", { without: ["hpa"] }),
        expected: [{ resource: resourceName("no-hpa", APP), policy: "availability-deployment-has-hpa" }],
    },
    {
        id: "pdb-blocks-drain",
        objects: world("pdb-blocks-drain", {
            replace: [pdb(APP, { minAvailable: 2, selector: { matchLabels: labelsFor(APP) } }, "pdb-blocks-drain")],
        }),
        expected: [{ resource: resourceName("pdb-blocks-drain", APP), policy: "availability-pdb-allows-eviction" }],
    },
    objectCase("selector-matches-nothing", "availability-selectors-match-pods", (ns) => service("ghost", {}, ns)),
    {
        id: "single-replica",
        objects: world("single-replica", { replicas: 1, replace: [hpa(APP, 1, APP, "single-replica")] }),
        expected: [{ resource: resourceName("single-replica", APP), policy: "availability-high-availability" }],
    },
    {
        id: "statefulset-clusterip",
        objects: world("statefulset-clusterip", { kind: "StatefulSet", replace: [service(APP, {}, "statefulset-clusterip")] }),
        expected: [{ resource: resourceName("statefulset-clusterip", APP), policy: "availability-statefulset-headless-service" }],
    },
    // Objects.
    objectCase("configmap-too-large", "objects-data-within-api-limit", (ns) =>
        configMap("huge", { blob: "x".repeat(1024 * 1024 + 1) }, ns),
    ),
];

function rb(
    ns: string,
    name: string,
    roleRef: { kind: string; name: string },
    subjects?: { kind: string; name: string }[],
): TestResource {
    const b = binding(name, roleRef, "RoleBinding", subjects ?? [{ kind: "ServiceAccount", name: APP, namespace: ns }]);
    return { ...b, props: { ...b.props, metadata: { name, namespace: ns } } };
}

/** Fully compliant worlds around every pod-bearing kind, compliant objects of every other kind the pack reads, and the platform's edge: no violation at all. */
export const CONTROL_CASES: readonly PairCase[] = [
    ...WORKLOAD_KINDS.map((kind) => ({
        id: `control-${kindOf(kind)}`,
        objects: world(`control-${kindOf(kind)}`, { kind }),
        expected: [],
    })),
    {
        id: "control-objects",
        objects: world("control-objects", {
            extra: [
                configMap(
                    "settings",
                    { LOG_LEVEL: "info", TOKEN_TTL_SECONDS: "900", UPSTREAM_URL: "http://auth-service.azora.svc" },
                    "control-objects",
                ),
                secret("app-secrets", "Opaque", "control-objects"),
                role("reader", [rule([""], ["configmaps"], ["get", "watch"])], "Role", "control-objects"),
                rb("control-objects", "reader", { kind: "Role", name: "reader" }),
                persistentVolume("control-objects-data", {
                    capacity: { storage: "1Gi" },
                    accessModes: ["ReadWriteOnce"],
                    csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-1" },
                }),
            ],
        }),
        expected: [],
    },
    {
        // The edge exactly as the program renders it (Gateway, redirect route, public routes, their
        // BackendTrafficPolicies and the ClientTrafficPolicy), in the platform's namespace.
        id: "control-edge",
        objects: named("control-edge", platformEdge(EDGE_NS)),
        expected: [],
    },
];

/** Every pair the preview must report, and nothing else. */
export function expectedPairs(): Pair[] {
    return [...PAIR_CASES, ...CONTROL_CASES].flatMap((c) => c.expected);
}
