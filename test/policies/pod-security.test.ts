import { describe, expect, it } from "vitest";

import {
    allowedVolumeTypes,
    appArmorProfile,
    dropAllCapabilities,
    hostPathReadOnly,
    namespaceEnforcesRestricted,
    noHostNamespaces,
    noHostPath,
    noHostPorts,
    noHostProbes,
    noHostProcess,
    noPrivileged,
    noPrivilegeEscalation,
    procMountDefault,
    runAsNonRoot,
    safeSysctls,
    seccompProfile,
    seLinuxOptions,
} from "../../policies/rules/pod-security";
import {
    container,
    deployment,
    namespace,
    restrictedLabels,
    SECURE_CONTAINER_CONTEXT,
    SECURE_POD_CONTEXT,
    service,
    withTemplateAnnotations,
    workload,
    WORKLOAD_KINDS,
} from "./fixtures";
import { problems } from "./harness";

const PSS_POLICIES = [
    noPrivileged,
    noPrivilegeEscalation,
    runAsNonRoot,
    dropAllCapabilities,
    seccompProfile,
    noHostNamespaces,
    noHostPath,
    hostPathReadOnly,
    noHostPorts,
    allowedVolumeTypes,
    procMountDefault,
    safeSysctls,
    noHostProcess,
    appArmorProfile,
    seLinuxOptions,
    noHostProbes,
];

describe("Pod Security Standards (restricted) on pod specs", () => {
    describe.each(WORKLOAD_KINDS)("a compliant %s", (kind) => {
        it.each(PSS_POLICIES.map((p) => [p.name, p] as const))("passes %s", async (_name, policy) => {
            expect(await problems(policy, workload(kind, "api-gateway"))).toEqual([]);
        });
    });

    it.each(WORKLOAD_KINDS)("finds a privileged container in a %s", async (kind) => {
        const w = workload(kind, "api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, privileged: true } },
        });
        const id = kind === "Pod" ? "Pod azora/api-gateway" : `${kind} azora/api-gateway`;
        expect(await problems(noPrivileged, w)).toEqual([`${id}: container "api-gateway" runs privileged.`]);
    });

    it.each(WORKLOAD_KINDS)("finds a privileged native sidecar in a %s", async (kind) => {
        const sidecar = container("proxy", {
            restartPolicy: "Always",
            securityContext: { ...SECURE_CONTAINER_CONTEXT, privileged: true },
        });
        const w = workload(kind, "api-gateway", { pod: { initContainers: [sidecar] } });
        expect(await problems(noPrivileged, w)).toEqual([
            `${kind} azora/api-gateway: sidecar initContainer "proxy" runs privileged.`,
        ]);
    });

    it("ignores objects that carry no pod spec", async () => {
        expect(await problems(noPrivileged, service("api-gateway"))).toEqual([]);
    });

    describe("pss-no-privileged", () => {
        it("reports a privileged initContainer", async () => {
            const d = deployment("api-gateway", {
                pod: {
                    initContainers: [
                        container("migrate", { securityContext: { ...SECURE_CONTAINER_CONTEXT, privileged: true } }),
                    ],
                },
            });
            expect(await problems(noPrivileged, d)).toEqual([
                'Deployment azora/api-gateway: initContainer "migrate" runs privileged.',
            ]);
        });

        it("reports a privileged ephemeralContainer", async () => {
            const d = deployment("api-gateway", {
                pod: {
                    ephemeralContainers: [
                        container("debug", { securityContext: { ...SECURE_CONTAINER_CONTEXT, privileged: true } }),
                    ],
                },
            });
            expect(await problems(noPrivileged, d)).toEqual([
                'Deployment azora/api-gateway: ephemeralContainer "debug" runs privileged.',
            ]);
        });
    });

    describe("pss-no-privilege-escalation", () => {
        it("reports a container that leaves allowPrivilegeEscalation unset", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, allowPrivilegeEscalation: undefined } },
            });
            expect(await problems(noPrivilegeEscalation, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" does not set securityContext.allowPrivilegeEscalation to false.',
            ]);
        });

        it("reports a container that allows privilege escalation", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, allowPrivilegeEscalation: true } },
            });
            expect(await problems(noPrivilegeEscalation, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" does not set securityContext.allowPrivilegeEscalation to false.',
            ]);
        });

        it("reports an initContainer without a securityContext", async () => {
            const d = deployment("api-gateway", {
                pod: { initContainers: [container("migrate", { securityContext: undefined })] },
            });
            expect(await problems(noPrivilegeEscalation, d)).toEqual([
                'Deployment azora/api-gateway: initContainer "migrate" does not set securityContext.allowPrivilegeEscalation to false.',
            ]);
        });
    });

    describe("pss-run-as-non-root", () => {
        it("accepts runAsNonRoot and runAsUser set on the container alone", async () => {
            const d = deployment("api-gateway", {
                pod: { securityContext: { seccompProfile: { type: "RuntimeDefault" } } },
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, runAsNonRoot: true, runAsUser: 10001 } },
            });
            expect(await problems(runAsNonRoot, d)).toEqual([]);
        });

        it("reports a pod that sets runAsNonRoot nowhere", async () => {
            const d = deployment("api-gateway", {
                pod: { securityContext: { runAsUser: 10001 } },
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, runAsNonRoot: undefined } },
            });
            expect(await problems(runAsNonRoot, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" does not set runAsNonRoot: true (neither on the container nor on the pod).',
            ]);
        });

        it("reports a container that overrides the pod with runAsNonRoot false", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, runAsNonRoot: false } },
            });
            expect(await problems(runAsNonRoot, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" sets securityContext.runAsNonRoot to false.',
            ]);
        });

        it("reports a pod-level runAsUser of 0", async () => {
            const d = deployment("api-gateway", { pod: { securityContext: { ...SECURE_POD_CONTEXT, runAsUser: 0 } } });
            expect(await problems(runAsNonRoot, d)).toEqual([
                "Deployment azora/api-gateway: the pod securityContext sets runAsUser to 0 (root).",
            ]);
        });

        it("reports a container that runs as UID 0", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, runAsUser: 0 } },
            });
            expect(await problems(runAsNonRoot, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" runs as UID 0 (root).',
            ]);
        });

        it("reports a container whose UID is left to the image", async () => {
            const d = deployment("api-gateway", { pod: { securityContext: { ...SECURE_POD_CONTEXT, runAsUser: undefined } } });
            expect(await problems(runAsNonRoot, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" has no runAsUser (neither on the container nor on the pod), so the image decides the UID.',
            ]);
        });
    });

    describe("pss-drop-all-capabilities", () => {
        it("accepts adding NET_BIND_SERVICE", async () => {
            const d = deployment("api-gateway", {
                container: {
                    securityContext: { ...SECURE_CONTAINER_CONTEXT, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
                },
            });
            expect(await problems(dropAllCapabilities, d)).toEqual([]);
        });

        it("reports a container that does not drop ALL", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, capabilities: { drop: ["NET_RAW"] } } },
            });
            expect(await problems(dropAllCapabilities, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" does not drop ALL capabilities.',
            ]);
        });

        it("reports added capabilities other than NET_BIND_SERVICE", async () => {
            const d = deployment("api-gateway", {
                container: {
                    securityContext: {
                        ...SECURE_CONTAINER_CONTEXT,
                        capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "SYS_TIME", "NET_BIND_SERVICE"] },
                    },
                },
            });
            expect(await problems(dropAllCapabilities, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" adds capabilities NET_ADMIN, SYS_TIME; only NET_BIND_SERVICE may be added.',
            ]);
        });
    });

    describe("pss-seccomp-profile", () => {
        it("accepts a Localhost profile set on every container instead of the pod", async () => {
            const d = deployment("api-gateway", {
                pod: { securityContext: { ...SECURE_POD_CONTEXT, seccompProfile: undefined } },
                container: {
                    securityContext: {
                        ...SECURE_CONTAINER_CONTEXT,
                        seccompProfile: { type: "Localhost", localhostProfile: "azora.json" },
                    },
                },
            });
            expect(await problems(seccompProfile, d)).toEqual([]);
        });

        it("reports a container with no seccomp profile at either level", async () => {
            const d = deployment("api-gateway", {
                pod: { securityContext: { ...SECURE_POD_CONTEXT, seccompProfile: undefined } },
            });
            expect(await problems(seccompProfile, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" has no seccompProfile (neither on the container nor on the pod).',
            ]);
        });

        it("reports an Unconfined pod profile", async () => {
            const d = deployment("api-gateway", {
                pod: { securityContext: { ...SECURE_POD_CONTEXT, seccompProfile: { type: "Unconfined" } } },
            });
            expect(await problems(seccompProfile, d)).toEqual([
                "Deployment azora/api-gateway: the pod securityContext sets seccompProfile type Unconfined.",
            ]);
        });

        it("reports a container that opts out with Unconfined", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, seccompProfile: { type: "Unconfined" } } },
            });
            expect(await problems(seccompProfile, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" sets seccompProfile type Unconfined.',
            ]);
        });
    });

    describe("pss-no-host-namespaces", () => {
        it("reports hostNetwork, hostPID and hostIPC each", async () => {
            const d = deployment("api-gateway", { pod: { hostNetwork: true, hostPID: true, hostIPC: true } });
            expect(await problems(noHostNamespaces, d)).toEqual([
                "Deployment azora/api-gateway: the pod sets hostNetwork: true.",
                "Deployment azora/api-gateway: the pod sets hostPID: true.",
                "Deployment azora/api-gateway: the pod sets hostIPC: true.",
            ]);
        });

        it("accepts host namespaces explicitly set to false", async () => {
            const d = deployment("api-gateway", { pod: { hostNetwork: false, hostPID: false, hostIPC: false } });
            expect(await problems(noHostNamespaces, d)).toEqual([]);
        });
    });

    describe("pss-no-host-path", () => {
        it("reports a hostPath volume", async () => {
            const d = deployment("api-gateway", {
                pod: {
                    volumes: [
                        { name: "tmp", emptyDir: {} },
                        { name: "logs", hostPath: { path: "/var/log" } },
                    ],
                },
            });
            expect(await problems(noHostPath, d)).toEqual([
                'Deployment azora/api-gateway: volume "logs" mounts hostPath /var/log.',
            ]);
        });
    });

    describe("pss-host-path-read-only", () => {
        const withHostPath = (readOnly: boolean | undefined) =>
            workload("DaemonSet", "log-shipper", {
                namespace: "azora-observability",
                pod: {
                    volumes: [
                        { name: "tmp", emptyDir: {} },
                        { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
                    ],
                },
                container: {
                    volumeMounts: [
                        { name: "tmp", mountPath: "/tmp" },
                        { name: "varlog", mountPath: "/var/log", readOnly },
                    ],
                },
            });

        it("accepts a hostPath volume mounted read-only", async () => {
            expect(await problems(hostPathReadOnly, withHostPath(true))).toEqual([]);
        });

        it("reports a hostPath volume mounted writable", async () => {
            expect(await problems(hostPathReadOnly, withHostPath(undefined))).toEqual([
                'DaemonSet azora-observability/log-shipper: container "log-shipper" mounts hostPath volume "varlog" at /var/log without readOnly: true.',
            ]);
        });
    });

    describe("pss-no-host-ports", () => {
        it("reports a container port bound on the host", async () => {
            const d = deployment("api-gateway", { container: { ports: [{ containerPort: 8080, hostPort: 80 }] } });
            expect(await problems(noHostPorts, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" binds hostPort 80.',
            ]);
        });

        it("accepts a hostPort of 0", async () => {
            const d = deployment("api-gateway", { container: { ports: [{ containerPort: 8080, hostPort: 0 }] } });
            expect(await problems(noHostPorts, d)).toEqual([]);
        });
    });

    describe("pss-allowed-volume-types", () => {
        it("accepts every volume type of the restricted profile", async () => {
            const d = deployment("api-gateway", {
                pod: {
                    volumes: [
                        { name: "a", configMap: { name: "cfg" } },
                        { name: "b", csi: { driver: "secrets-store.csi.k8s.io" } },
                        { name: "c", downwardAPI: { items: [] } },
                        { name: "d", emptyDir: {} },
                        { name: "e", ephemeral: { volumeClaimTemplate: {} } },
                        { name: "f", persistentVolumeClaim: { claimName: "data" } },
                        { name: "g", projected: { sources: [] } },
                        { name: "h", secret: { secretName: "s" } },
                    ],
                },
            });
            expect(await problems(allowedVolumeTypes, d)).toEqual([]);
        });

        it("reports a volume type outside the restricted profile", async () => {
            const d = deployment("api-gateway", {
                pod: { volumes: [{ name: "shared", nfs: { server: "nfs.local", path: "/export" } }] },
            });
            expect(await problems(allowedVolumeTypes, d)).toEqual([
                'Deployment azora/api-gateway: volume "shared" uses the nfs volume type, which the restricted profile does not allow.',
            ]);
        });

        it("leaves hostPath to pss-no-host-path so one volume is not reported twice", async () => {
            const d = deployment("api-gateway", { pod: { volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] } });
            expect(await problems(allowedVolumeTypes, d)).toEqual([]);
        });
    });

    describe("pss-proc-mount-default", () => {
        it("reports an Unmasked procMount", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, procMount: "Unmasked" } },
            });
            expect(await problems(procMountDefault, d)).toEqual([
                'Deployment azora/api-gateway: container "api-gateway" sets procMount Unmasked.',
            ]);
        });

        it("accepts procMount Default", async () => {
            const d = deployment("api-gateway", {
                container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, procMount: "Default" } },
            });
            expect(await problems(procMountDefault, d)).toEqual([]);
        });
    });

    describe("pss-safe-sysctls", () => {
        it("accepts a safe sysctl", async () => {
            const d = deployment("api-gateway", {
                pod: {
                    securityContext: {
                        ...SECURE_POD_CONTEXT,
                        sysctls: [{ name: "net.ipv4.ip_local_port_range", value: "1024 65535" }],
                    },
                },
            });
            expect(await problems(safeSysctls, d)).toEqual([]);
        });

        it("reports an unsafe sysctl", async () => {
            const d = deployment("api-gateway", {
                pod: { securityContext: { ...SECURE_POD_CONTEXT, sysctls: [{ name: "kernel.msgmax", value: "65536" }] } },
            });
            expect(await problems(safeSysctls, d)).toEqual([
                "Deployment azora/api-gateway: the pod sets the unsafe sysctl kernel.msgmax.",
            ]);
        });
    });
});

describe("pss-namespace-restricted", () => {
    it("passes a namespace labelled restricted for enforce, audit and warn", async () => {
        expect(await problems(namespaceEnforcesRestricted, namespace("azora"))).toEqual([]);
    });

    it("reports each missing Pod Security Admission label", async () => {
        expect(await problems(namespaceEnforcesRestricted, namespace("azora", {}))).toEqual([
            "Namespace azora: has no pod-security.kubernetes.io/enforce label.",
            "Namespace azora: has no pod-security.kubernetes.io/audit label.",
            "Namespace azora: has no pod-security.kubernetes.io/warn label.",
        ]);
    });

    it("reports a level weaker than restricted", async () => {
        const labels = { ...restrictedLabels(), "pod-security.kubernetes.io/enforce": "baseline" };
        expect(await problems(namespaceEnforcesRestricted, namespace("azora", labels))).toEqual([
            "Namespace azora: sets pod-security.kubernetes.io/enforce=baseline instead of restricted.",
        ]);
    });

    it("names a namespace by its Pulumi name when metadata.name is not set", async () => {
        const ns = { type: "kubernetes:core/v1:Namespace", name: "azora-ns", props: { metadata: { labels: {} } } };
        const found = await problems(namespaceEnforcesRestricted, ns);
        expect(found[0]).toBe("Namespace azora-ns: has no pod-security.kubernetes.io/enforce label.");
    });
});

describe("pss-no-host-process", () => {
    it("reports a HostProcess pod", async () => {
        const d = deployment("api-gateway", {
            pod: { securityContext: { ...SECURE_POD_CONTEXT, windowsOptions: { hostProcess: true } } },
        });
        expect(await problems(noHostProcess, d)).toEqual([
            "Deployment azora/api-gateway: the pod securityContext sets windowsOptions.hostProcess: true.",
        ]);
    });

    it("reports a HostProcess container", async () => {
        const d = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, windowsOptions: { hostProcess: true } } },
        });
        expect(await problems(noHostProcess, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" sets windowsOptions.hostProcess: true.',
        ]);
    });

    it("accepts hostProcess: false", async () => {
        const d = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, windowsOptions: { hostProcess: false } } },
        });
        expect(await problems(noHostProcess, d)).toEqual([]);
    });
});

describe("pss-apparmor-profile", () => {
    it.each(["RuntimeDefault", "Localhost"])("accepts a container with appArmorProfile %s", async (type) => {
        const d = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, appArmorProfile: { type } } },
        });
        expect(await problems(appArmorProfile, d)).toEqual([]);
    });

    it("reports an Unconfined pod profile", async () => {
        const d = deployment("api-gateway", {
            pod: { securityContext: { ...SECURE_POD_CONTEXT, appArmorProfile: { type: "Unconfined" } } },
        });
        expect(await problems(appArmorProfile, d)).toEqual([
            "Deployment azora/api-gateway: the pod securityContext sets appArmorProfile type Unconfined.",
        ]);
    });

    it("reports an Unconfined container profile", async () => {
        const d = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, appArmorProfile: { type: "Unconfined" } } },
        });
        expect(await problems(appArmorProfile, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" sets appArmorProfile type Unconfined.',
        ]);
    });

    it("reports the legacy annotation set to unconfined", async () => {
        const d = withTemplateAnnotations(deployment("api-gateway"), {
            "container.apparmor.security.beta.kubernetes.io/api-gateway": "unconfined",
        });
        expect(await problems(appArmorProfile, d)).toEqual([
            "Deployment azora/api-gateway: the pod template's annotation container.apparmor.security.beta.kubernetes.io/api-gateway is unconfined.",
        ]);
    });

    it.each(["runtime/default", "localhost/azora"])("accepts the legacy annotation set to %s", async (value) => {
        const d = withTemplateAnnotations(deployment("api-gateway"), {
            "container.apparmor.security.beta.kubernetes.io/api-gateway": value,
        });
        expect(await problems(appArmorProfile, d)).toEqual([]);
    });
});

describe("pss-selinux-options", () => {
    it.each(["container_t", "container_init_t", "container_kvm_t", "container_engine_t"])("accepts type %s", async (type) => {
        const d = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, seLinuxOptions: { type, level: "s0:c1,c2" } } },
        });
        expect(await problems(seLinuxOptions, d)).toEqual([]);
    });

    it("reports a custom type", async () => {
        const d = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, seLinuxOptions: { type: "spc_t" } } },
        });
        expect(await problems(seLinuxOptions, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" sets seLinuxOptions.type spc_t.',
        ]);
    });

    it("reports a user and a role on the pod", async () => {
        const d = deployment("api-gateway", {
            pod: { securityContext: { ...SECURE_POD_CONTEXT, seLinuxOptions: { user: "system_u", role: "system_r" } } },
        });
        expect(await problems(seLinuxOptions, d)).toEqual([
            "Deployment azora/api-gateway: the pod securityContext sets seLinuxOptions.user system_u.",
            "Deployment azora/api-gateway: the pod securityContext sets seLinuxOptions.role system_r.",
        ]);
    });
});

describe("pss-no-host-probes", () => {
    it("reports a readiness probe aimed at another host", async () => {
        const d = deployment("api-gateway", {
            container: { readinessProbe: { httpGet: { path: "/ready", port: 8080, host: "10.0.0.1" } } },
        });
        expect(await problems(noHostProbes, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" readinessProbe httpGet targets host 10.0.0.1.',
        ]);
    });

    it("reports a tcpSocket liveness probe aimed at another host", async () => {
        const d = deployment("api-gateway", { container: { livenessProbe: { tcpSocket: { port: 22, host: "node.internal" } } } });
        expect(await problems(noHostProbes, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" livenessProbe tcpSocket targets host node.internal.',
        ]);
    });

    it("reports a preStop hook aimed at another host", async () => {
        const d = deployment("api-gateway", {
            container: { lifecycle: { preStop: { httpGet: { path: "/drain", port: 80, host: "169.254.169.254" } } } },
        });
        expect(await problems(noHostProbes, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" lifecycle.preStop httpGet targets host 169.254.169.254.',
        ]);
    });

    it("accepts an empty host", async () => {
        const d = deployment("api-gateway", {
            container: { readinessProbe: { httpGet: { path: "/ready", port: 8080, host: "" } } },
        });
        expect(await problems(noHostProbes, d)).toEqual([]);
    });
});
