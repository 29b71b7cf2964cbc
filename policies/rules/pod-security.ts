// Pod Security Standards, baseline and restricted profiles, for every pod-bearing kind and for
// containers, initContainers (native sidecars included) and ephemeralContainers alike. The controls
// and their allowed values follow the Pod Security Admission checks of the Kubernetes version the
// e2e cluster runs (k8s.io/pod-security-admission v0.36, policy/check_*.go); policies/README.md maps
// each control to its policy. Where PSA relaxes a control for user-namespaced pods (hostUsers:
// false), the pack does not: the platform does not rely on user namespaces.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { arrayOf, containersOf, knownString, Labels, LifecycleHandler, SecurityContext } from "../lib/k8s";
import { resourcePolicy } from "../lib/policy";
import { podPolicy } from "./common";

export const noPrivileged = podPolicy({
    name: "pss-no-privileged",
    group: "pss",
    severity: "critical",
    description: "Containers must not run privileged (Pod Security Standards, baseline and restricted).",
    remediation:
        "remove securityContext.privileged (or set it to false); grant only what the process needs, and at most the NET_BIND_SERVICE capability.",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            if (c.container.securityContext?.privileged === true) {
                violation(`${c.label} runs privileged.`);
            }
        }
    },
});

export const noPrivilegeEscalation = podPolicy({
    name: "pss-no-privilege-escalation",
    group: "pss",
    severity: "high",
    description: "Containers must set securityContext.allowPrivilegeEscalation to false (restricted).",
    remediation: "set securityContext.allowPrivilegeEscalation: false on every container, initContainer and ephemeralContainer.",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            if (c.container.securityContext?.allowPrivilegeEscalation !== false) {
                violation(`${c.label} does not set securityContext.allowPrivilegeEscalation to false.`);
            }
        }
    },
});

export const runAsNonRoot = podPolicy({
    name: "pss-run-as-non-root",
    group: "pss",
    severity: "high",
    description:
        "Containers must run as non-root: runAsNonRoot true and a non-zero runAsUser, at pod or container level (restricted).",
    remediation:
        "set securityContext.runAsNonRoot: true and a non-zero runAsUser (e.g. 10001) on the pod spec or on every container; build the image with a numeric non-root USER.",
    checkPod: ({ spec, violation }) => {
        const pod = spec.securityContext ?? {};
        if (pod.runAsUser === 0) {
            violation("the pod securityContext sets runAsUser to 0 (root).");
        }
        for (const c of containersOf(spec)) {
            const sc = c.container.securityContext ?? {};
            const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
            if (nonRoot !== true) {
                violation(
                    sc.runAsNonRoot === false
                        ? `${c.label} sets securityContext.runAsNonRoot to false.`
                        : `${c.label} does not set runAsNonRoot: true (neither on the container nor on the pod).`,
                );
            }
            const user = sc.runAsUser ?? pod.runAsUser;
            if (user === 0) {
                if (sc.runAsUser === 0) {
                    violation(`${c.label} runs as UID 0 (root).`);
                }
            } else if (typeof user !== "number") {
                violation(`${c.label} has no runAsUser (neither on the container nor on the pod), so the image decides the UID.`);
            }
        }
    },
});

const ALLOWED_ADDED_CAPABILITIES: ReadonlySet<string> = new Set(["NET_BIND_SERVICE"]);

export const dropAllCapabilities = podPolicy({
    name: "pss-drop-all-capabilities",
    group: "pss",
    severity: "high",
    description: "Containers must drop ALL capabilities and add at most NET_BIND_SERVICE (restricted).",
    remediation:
        'set securityContext.capabilities: { drop: ["ALL"] } and add nothing but "NET_BIND_SERVICE" if a port below 1024 is really needed.',
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            const caps = c.container.securityContext?.capabilities ?? {};
            if (!arrayOf(caps.drop).includes("ALL")) {
                violation(`${c.label} does not drop ALL capabilities.`);
            }
            const added = arrayOf(caps.add).filter((cap) => !ALLOWED_ADDED_CAPABILITIES.has(cap));
            if (added.length > 0) {
                violation(`${c.label} adds capabilities ${added.join(", ")}; only NET_BIND_SERVICE may be added.`);
            }
        }
    },
});

const ALLOWED_SECCOMP: ReadonlySet<string> = new Set(["RuntimeDefault", "Localhost"]);

export const seccompProfile = podPolicy({
    name: "pss-seccomp-profile",
    group: "pss",
    severity: "high",
    description: "Pods must use the RuntimeDefault or a Localhost seccomp profile, never Unconfined (restricted).",
    remediation:
        'set securityContext.seccompProfile: { type: "RuntimeDefault" } on the pod spec (or Localhost with a profile on every container).',
    checkPod: ({ spec, violation }) => {
        const podType = spec.securityContext?.seccompProfile?.type;
        if (podType !== undefined && !ALLOWED_SECCOMP.has(podType)) {
            violation(`the pod securityContext sets seccompProfile type ${podType}.`);
        }
        for (const c of containersOf(spec)) {
            const own = c.container.securityContext?.seccompProfile?.type;
            const effective = own ?? podType;
            if (effective === undefined) {
                violation(`${c.label} has no seccompProfile (neither on the container nor on the pod).`);
            } else if (own !== undefined && !ALLOWED_SECCOMP.has(own)) {
                violation(`${c.label} sets seccompProfile type ${own}.`);
            }
        }
    },
});

export const noHostNamespaces = podPolicy({
    name: "pss-no-host-namespaces",
    group: "pss",
    severity: "critical",
    description: "Pods must not share the host's network, PID or IPC namespace (baseline and restricted).",
    remediation:
        "remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false); expose the workload through a Service instead.",
    checkPod: ({ spec, violation }) => {
        for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
            if (spec[field] === true) {
                violation(`the pod sets ${field}: true.`);
            }
        }
    },
});

function hostPathOf(volume: Readonly<Record<string, unknown>>): { path?: string } | undefined {
    const hp = volume["hostPath"];
    if (typeof hp !== "object" || hp === null) {
        return undefined;
    }
    const path = (hp as { path?: unknown }).path;
    return { path: typeof path === "string" ? path : undefined };
}

export const noHostPath = podPolicy({
    name: "pss-no-host-path",
    group: "pss",
    severity: "critical",
    description: "Pods must not mount hostPath volumes (baseline and restricted).",
    remediation:
        "replace the hostPath volume with an emptyDir, configMap, secret, projected, csi, ephemeral or persistentVolumeClaim volume; a node agent that truly needs host files gets a named exemption with a reason.",
    checkPod: ({ spec, violation }) => {
        for (const v of arrayOf(spec.volumes)) {
            const hp = hostPathOf(v);
            if (hp) {
                violation(`volume "${v.name ?? "?"}" mounts hostPath ${hp.path ?? "(no path)"}.`);
            }
        }
    },
});

export const hostPathReadOnly = podPolicy({
    name: "pss-host-path-read-only",
    group: "pss",
    severity: "critical",
    description:
        "Where a hostPath volume exists at all (only under an exemption from pss-no-host-path), every mount of it must be readOnly.",
    remediation: "set readOnly: true on every volumeMount of the hostPath volume; the host's files are read, never written.",
    checkPod: ({ spec, violation }) => {
        const hostPathVolumes = new Set(
            arrayOf(spec.volumes)
                .filter((v) => hostPathOf(v) !== undefined)
                .map((v) => v.name ?? ""),
        );
        if (hostPathVolumes.size === 0) {
            return;
        }
        for (const c of containersOf(spec)) {
            for (const m of arrayOf(c.container.volumeMounts)) {
                if (hostPathVolumes.has(m.name ?? "") && m.readOnly !== true) {
                    violation(`${c.label} mounts hostPath volume "${m.name}" at ${m.mountPath ?? "?"} without readOnly: true.`);
                }
            }
        }
    },
});

export const noHostPorts = podPolicy({
    name: "pss-no-host-ports",
    group: "pss",
    severity: "high",
    description: "Containers must not bind host ports (baseline and restricted).",
    remediation: "remove hostPort from the container ports and expose the port through a Service.",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            for (const p of arrayOf(c.container.ports)) {
                if (typeof p.hostPort === "number" && p.hostPort !== 0) {
                    violation(`${c.label} binds hostPort ${p.hostPort}.`);
                }
            }
        }
    },
});

/** Volume sources allowed by the restricted profile. */
const ALLOWED_VOLUME_TYPES: readonly string[] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "image",
];

export const allowedVolumeTypes = podPolicy({
    name: "pss-allowed-volume-types",
    group: "pss",
    severity: "high",
    description: `Pods may only use the volume types of the restricted profile: ${ALLOWED_VOLUME_TYPES.join(", ")} (hostPath is checked by pss-no-host-path).`,
    remediation: `use one of ${ALLOWED_VOLUME_TYPES.join(", ")}; for storage use a persistentVolumeClaim backed by a StorageClass.`,
    checkPod: ({ spec, violation }) => {
        for (const v of arrayOf(spec.volumes)) {
            const sources = Object.keys(v).filter((k) => k !== "name" && k !== "hostPath" && v[k] !== undefined && v[k] !== null);
            const disallowed = sources.filter((k) => !ALLOWED_VOLUME_TYPES.includes(k));
            if (disallowed.length > 0) {
                violation(
                    `volume "${v.name ?? "?"}" uses the ${disallowed.join(", ")} volume type, which the restricted profile does not allow.`,
                );
            }
        }
    },
});

export const procMountDefault = podPolicy({
    name: "pss-proc-mount-default",
    group: "pss",
    severity: "high",
    description: "Containers must use the Default /proc mount (baseline and restricted).",
    remediation: 'remove securityContext.procMount or set it to "Default".',
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            const pm = c.container.securityContext?.procMount;
            if (pm !== undefined && pm !== "Default") {
                violation(`${c.label} sets procMount ${pm}.`);
            }
        }
    },
});

/** The sysctls the baseline profile allows (namespaced and isolated from the node). */
const SAFE_SYSCTLS: readonly string[] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];

export const safeSysctls = podPolicy({
    name: "pss-safe-sysctls",
    group: "pss",
    severity: "high",
    description: "Pods may only set the safe sysctls of the baseline profile.",
    remediation: `set only ${SAFE_SYSCTLS.join(", ")}; tune anything else at the node level.`,
    checkPod: ({ spec, violation }) => {
        for (const s of arrayOf(spec.securityContext?.sysctls)) {
            if (!SAFE_SYSCTLS.includes(s.name ?? "")) {
                violation(`the pod sets the unsafe sysctl ${s.name ?? "(unnamed)"}.`);
            }
        }
    },
});

export const noHostProcess = podPolicy({
    name: "pss-no-host-process",
    group: "pss",
    severity: "critical",
    description: "No Windows HostProcess pod or container (Pod Security Standards baseline: HostProcess).",
    remediation: "remove securityContext.windowsOptions.hostProcess (or set it to false) on the pod and every container.",
    checkPod: ({ spec, violation }) => {
        if (spec.securityContext?.windowsOptions?.hostProcess === true) {
            violation("the pod securityContext sets windowsOptions.hostProcess: true.");
        }
        for (const c of containersOf(spec)) {
            if (c.container.securityContext?.windowsOptions?.hostProcess === true) {
                violation(`${c.label} sets windowsOptions.hostProcess: true.`);
            }
        }
    },
});

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
const ALLOWED_APPARMOR_TYPES: ReadonlySet<string> = new Set(["RuntimeDefault", "Localhost"]);

export const appArmorProfile = podPolicy({
    name: "pss-apparmor-profile",
    group: "pss",
    severity: "high",
    description:
        "AppArmor is never disabled: appArmorProfile.type is RuntimeDefault or Localhost, and the legacy annotations say runtime/default or localhost/* (baseline: AppArmor).",
    remediation:
        'remove the Unconfined AppArmor setting: leave appArmorProfile unset (the runtime default applies) or set { type: "RuntimeDefault" }; drop the legacy container.apparmor.security.beta.kubernetes.io/* annotation or set it to runtime/default.',
    checkPod: ({ template, spec, violation }) => {
        const podType = spec.securityContext?.appArmorProfile?.type;
        if (podType !== undefined && !ALLOWED_APPARMOR_TYPES.has(podType)) {
            violation(`the pod securityContext sets appArmorProfile type ${podType}.`);
        }
        for (const c of containersOf(spec)) {
            const own = c.container.securityContext?.appArmorProfile?.type;
            if (own !== undefined && !ALLOWED_APPARMOR_TYPES.has(own)) {
                violation(`${c.label} sets appArmorProfile type ${own}.`);
            }
        }
        const annotations = template.metadata?.annotations ?? {};
        for (const key of Object.keys(annotations).filter((k) => k.startsWith(APPARMOR_ANNOTATION_PREFIX))) {
            const value = knownString(() => annotations[key]) ?? "(unknown until deployed)";
            if (value !== "runtime/default" && !value.startsWith("localhost/")) {
                violation(`the pod template's annotation ${key} is ${value}.`);
            }
        }
    },
});

/** SELinux types a container may ask for (PSA's check_seLinuxOptions, 1.31+). */
const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set([
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
]);

export const seLinuxOptions = podPolicy({
    name: "pss-selinux-options",
    group: "pss",
    severity: "high",
    description: `No custom SELinux user or role, and a type only from ${[...ALLOWED_SELINUX_TYPES].join(", ")} (baseline: SELinux).`,
    remediation:
        "remove seLinuxOptions.user and seLinuxOptions.role, and leave seLinuxOptions.type unset or one of the container types.",
    checkPod: ({ spec, violation }) => {
        const check = (where: string, options: SecurityContext["seLinuxOptions"]): void => {
            if (!options) {
                return;
            }
            if (options.type !== undefined && options.type !== "" && !ALLOWED_SELINUX_TYPES.has(options.type)) {
                violation(`${where} sets seLinuxOptions.type ${options.type}.`);
            }
            for (const field of ["user", "role"] as const) {
                if (options[field] !== undefined && options[field] !== "") {
                    violation(`${where} sets seLinuxOptions.${field} ${options[field]}.`);
                }
            }
        };
        check("the pod securityContext", spec.securityContext?.seLinuxOptions);
        for (const c of containersOf(spec)) {
            check(c.label, c.container.securityContext?.seLinuxOptions);
        }
    },
});

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;

export const noHostProbes = podPolicy({
    name: "pss-no-host-probes",
    group: "pss",
    severity: "high",
    description:
        "Probes and lifecycle hooks never set a host, so the kubelet only connects to the pod itself (baseline: Host Probes / Lifecycle Hooks, Kubernetes 1.34+).",
    remediation: "remove the host field from httpGet and tcpSocket of every probe and lifecycle hook; the pod IP is the default.",
    checkPod: ({ spec, violation }) => {
        const check = (where: string, handler: LifecycleHandler | undefined): void => {
            for (const action of ["httpGet", "tcpSocket"] as const) {
                const host = handler?.[action]?.host;
                if (typeof host === "string" && host !== "") {
                    violation(`${where} ${action} targets host ${host}.`);
                }
            }
        };
        for (const c of containersOf(spec)) {
            for (const probe of PROBES) {
                check(`${c.label} ${probe}`, c.container[probe]);
            }
            for (const hook of HOOKS) {
                check(`${c.label} lifecycle.${hook}`, c.container.lifecycle?.[hook]);
            }
        }
    },
});

const PSA_LABELS = {
    enforce: "pod-security.kubernetes.io/enforce",
    audit: "pod-security.kubernetes.io/audit",
    warn: "pod-security.kubernetes.io/warn",
} as const;

export const namespaceEnforcesRestricted: ResourceValidationPolicy = resourcePolicy({
    name: "pss-namespace-restricted",
    group: "pss",
    severity: "high",
    kinds: ["Namespace"],
    description:
        "Every Namespace carries the Pod Security Admission labels enforce, audit and warn, all set to restricted, so the API server rejects what this pack would.",
    remediation: `label the namespace ${PSA_LABELS.enforce}=restricted, ${PSA_LABELS.audit}=restricted and ${PSA_LABELS.warn}=restricted.`,
    check: ({ props, violation }) => {
        const labels: Labels = props.metadata?.labels ?? {};
        for (const mode of ["enforce", "audit", "warn"] as const) {
            const key = PSA_LABELS[mode];
            const value = labels[key];
            if (value === undefined) {
                violation(`has no ${key} label.`);
            } else if (value !== "restricted") {
                violation(`sets ${key}=${value} instead of restricted.`);
            }
        }
    },
});

export const podSecurityPolicies: readonly ResourceValidationPolicy[] = [
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
    namespaceEnforcesRestricted,
];
