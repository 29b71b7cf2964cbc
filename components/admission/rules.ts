// The cluster's half of the security checklist: each rule of the policy pack that CEL can express,
// written once as a ValidatingAdmissionPolicy body. The pack sees only what Pulumi deploys; these
// run in the API server, so `kubectl apply`, Helm charts and operators meet them too.
//
// Deliberately no import from policies/: a check that shares code with another check proves
// nothing twice. The rule names are the pack's, so an operator reads the same name in a refused
// `kubectl apply` as in a failed preview. The facts both need (allowed registries, the one namespace
// whose log shipper may mount a host path) come in as `RuleFacts` from the typed config.
//
// Every rule computes `variables.violations`, a list of sentences naming the offending container,
// volume, field or subject; the object is admitted when the list is empty, and the refusal reads
// `azora-<rule>: <Kind> <namespace>/<name>: <violations>. Fix: <remediation>`.

/** What a rule's policy matches: pod-bearing kinds, Services, Ingresses, Roles or RoleBindings. */
export type RuleTarget = "pods" | "services" | "ingresses" | "roles" | "roleBindings";

export interface AdmissionRule {
    /** The pack's policy name; the policy object is `azora-<name>` and every refusal starts with it. */
    name: string;
    target: RuleTarget;
    /** CEL: list(string) of violation sentences; empty admits. */
    violations: string;
    /** What to do instead, appended to the refusal. */
    fix: string;
}

/** The facts a rule shares with the pack, from the typed config. */
export interface RuleFacts {
    /** Registry prefixes images may come from, matched at whole path segments (`docker.io/grafana`). */
    allowedRegistries: readonly string[];
    /** Namespaces whose pods may mount a hostPath volume (still read-only). */
    hostPathNamespaces: readonly string[];
    /** Every image must carry `@sha256:<digest>`. */
    requireDigest: boolean;
}

/** A CEL string literal. JSON's escapes are a subset of CEL's, so any string round-trips. */
export const celString = (s: string): string => JSON.stringify(s);
const celList = (xs: readonly string[]): string => `[${xs.map(celString).join(", ")}]`;

/**
 * Variables every pod rule starts from. A workload is checked at the workload (a Deployment with a
 * privileged container is refused at `kubectl apply`, not later when its ReplicaSet fails to make
 * pods, which nobody watches), so the pod spec is found where each kind keeps it.
 */
export const podVariables: readonly { name: string; expression: string }[] = [
    {
        name: "template",
        expression:
            "object.kind == 'Pod' ? object : " +
            "object.kind == 'PodTemplate' ? object.template : " +
            "object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : " +
            "object.spec.template",
    },
    { name: "podSpec", expression: "variables.template.spec" },
    { name: "annotations", expression: "variables.template.?metadata.?annotations.orValue({})" },
    {
        // Regular and init containers (native sidecars included), the lists a workload's template holds.
        name: "workloadContainers",
        expression: "variables.podSpec.?containers.orValue([]) + variables.podSpec.?initContainers.orValue([])",
    },
    {
        // Plus the ephemeral containers `kubectl debug` adds to a running pod: Pod Security checks them too.
        name: "containers",
        expression: "variables.workloadContainers + variables.podSpec.?ephemeralContainers.orValue([])",
    },
    { name: "volumes", expression: "variables.podSpec.?volumes.orValue([])" },
    { name: "podSecurity", expression: "variables.podSpec.?securityContext.orValue({})" },
];

/** `container <name> <text>` for each container of `list` where `cond` (over `c`) holds. */
const eachContainer = (list: "containers" | "workloadContainers", cond: string, text: string): string =>
    `variables.${list}.filter(c, ${cond}).map(c, 'container ' + c.name + ${text})`;
/** `[sentence]` when `cond` holds, else `[]`. */
const when = (cond: string, sentence: string): string => `(${cond} ? [${sentence}] : [])`;
const sum = (...lists: string[]): string => lists.join(" + ");

/** Pod Security "baseline" and "restricted" value sets (k8s.io/pod-security-admission v0.36.5, policy/check_*.go). */
const pss = {
    seccompTypes: ["RuntimeDefault", "Localhost"],
    appArmorTypes: ["RuntimeDefault", "Localhost"],
    seLinuxTypes: ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"],
    // sysctlsAllowedV1Dot32: the newest set, what the "latest" profile the namespaces enforce uses.
    safeSysctls: [
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    ],
    // The restricted profile's inline volume sources (check_restrictedVolumes.go), plus hostPath,
    // which pss-no-host-path judges so one volume is not refused twice.
    volumeSources: [
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "image",
        "persistentVolumeClaim",
        "projected",
        "secret",
        "hostPath",
    ],
    addableCapabilities: ["NET_BIND_SERVICE"],
    // Handlers whose `host` field baseline forbids since 1.34 (check_hostProbesAndhostLifecycle.go).
    hostHandlers: [
        "livenessProbe.?httpGet",
        "livenessProbe.?tcpSocket",
        "readinessProbe.?httpGet",
        "readinessProbe.?tcpSocket",
        "startupProbe.?httpGet",
        "startupProbe.?tcpSocket",
        "lifecycle.?postStart.?httpGet",
        "lifecycle.?postStart.?tcpSocket",
        "lifecycle.?preStop.?httpGet",
        "lifecycle.?preStop.?tcpSocket",
    ],
} as const;

/** The first UID and GID that cannot collide with a host's users and system groups. */
const minimumId = 10000;

/** Env names that hold a secret, and suffixes that only refer to one (a file's path, a TTL). */
const secretName = "(?i)(password|secret|token|api[_-]?key|private[_-]?key|credentials)";
const nonSecretSuffixes = ["_FILE", "_PATH", "_DIR", "_TTL", "_TTL_SECONDS", "_TTL_MS", "_NAME"];

/** A pod-bearing rule: the violations are computed over `podVariables`. */
const pod = (name: string, violations: string, fix: string): AdmissionRule => ({ name, target: "pods", violations, fix });

/** An image reference with Docker Hub's short forms spelled out (`nginx` → `docker.io/library/nginx`). */
const qualifiedImage = (ref: string): string =>
    `(${ref}.split('/').size() == 1 ? 'docker.io/library/' + ${ref} : ` +
    `${ref}.split('/')[0].contains('.') || ${ref}.split('/')[0].contains(':') || ${ref}.split('/')[0] == 'localhost' ? ${ref} : ` +
    `'docker.io/' + ${ref})`;

function podRules(facts: RuleFacts): Record<string, AdmissionRule> {
    const sc = (field: string) => `c.?securityContext.?${field}`;
    const podSc = (field: string) => `variables.podSecurity.?${field}`;
    const podNonRoot = podSc("runAsNonRoot").concat(".orValue(false)");
    const validSeccomp = (t: string) => `${t} in ${celList(pss.seccompTypes)}`;
    const seLinuxOk = (o: string) =>
        `(${o}.?type.orValue('') in ${celList(pss.seLinuxTypes)} && ${o}.?user.orValue('') == '' && ${o}.?role.orValue('') == '')`;
    const hostPathVolumes = "variables.volumes.filter(v, has(v.hostPath)).map(v, v.name)";
    const rules: AdmissionRule[] = [
        pod(
            "pss-no-host-process",
            sum(
                when(`${podSc("windowsOptions.?hostProcess")}.orValue(false)`, "'the pod sets windowsOptions.hostProcess'"),
                eachContainer(
                    "containers",
                    `${sc("windowsOptions.?hostProcess")}.orValue(false)`,
                    "' sets windowsOptions.hostProcess'",
                ),
            ),
            "remove securityContext.windowsOptions.hostProcess",
        ),
        pod(
            "pss-no-host-namespaces",
            "['hostNetwork', 'hostPID', 'hostIPC'].filter(f, f in variables.podSpec && variables.podSpec[f] == true)" +
                ".map(f, 'the pod sets ' + f)",
            "remove hostNetwork, hostPID and hostIPC",
        ),
        pod(
            "pss-no-privileged",
            eachContainer("containers", `${sc("privileged")}.orValue(false)`, "' runs privileged'"),
            "set securityContext.privileged: false",
        ),
        pod(
            "pss-no-privilege-escalation",
            eachContainer(
                "containers",
                `${sc("allowPrivilegeEscalation")}.orValue(true)`,
                "' does not set allowPrivilegeEscalation: false'",
            ),
            "set securityContext.allowPrivilegeEscalation: false on every container",
        ),
        pod(
            "pss-run-as-non-root",
            sum(
                when(`${podSc("runAsNonRoot")}.orValue(true) == false`, "'the pod sets runAsNonRoot: false'"),
                when(`${podSc("runAsUser")}.orValue(1) == 0`, "'the pod runs as UID 0'"),
                eachContainer(
                    "containers",
                    `!${sc("runAsNonRoot")}.orValue(${podNonRoot})`,
                    "' does not run with runAsNonRoot: true'",
                ),
                eachContainer("containers", `${sc("runAsUser")}.orValue(1) == 0`, "' runs as UID 0'"),
            ),
            "set runAsNonRoot: true and a non-zero runAsUser on the pod or every container",
        ),
        pod(
            "pss-drop-all-capabilities",
            sum(
                eachContainer(
                    "containers",
                    `!('ALL' in ${sc("capabilities.?drop")}.orValue([]))`,
                    "' does not drop ALL capabilities'",
                ),
                eachContainer(
                    "containers",
                    `${sc("capabilities.?add")}.orValue([]).exists(a, !(a in ${celList(pss.addableCapabilities)}))`,
                    `' adds ' + c.securityContext.capabilities.add.filter(a, !(a in ${celList(pss.addableCapabilities)})).join(', ')`,
                ),
            ),
            "set capabilities.drop: [ALL] and add at most NET_BIND_SERVICE",
        ),
        pod(
            "pss-seccomp-profile",
            sum(
                when(
                    `!(${validSeccomp(`${podSc("seccompProfile.?type")}.orValue('RuntimeDefault')`)})`,
                    "'the pod sets seccompProfile.type ' + variables.podSecurity.seccompProfile.type",
                ),
                eachContainer(
                    "containers",
                    `${sc("seccompProfile")}.hasValue() && !(${validSeccomp(`${sc("seccompProfile.?type")}.orValue('')`)})`,
                    "' sets seccompProfile.type ' + c.securityContext.seccompProfile.?type.orValue('(none)')",
                ),
                `(${validSeccomp(`${podSc("seccompProfile.?type")}.orValue('')`)} ? [] : ` +
                    eachContainer(
                        "containers",
                        `!${sc("seccompProfile")}.hasValue()`,
                        "' has no seccompProfile and the pod sets none'",
                    ) +
                    ")",
            ),
            "set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod",
        ),
        pod(
            "pss-apparmor-profile",
            sum(
                when(
                    `${podSc("appArmorProfile")}.hasValue() && !(${podSc("appArmorProfile.?type")}.orValue('') in ${celList(pss.appArmorTypes)})`,
                    "'the pod sets appArmorProfile.type ' + variables.podSecurity.appArmorProfile.?type.orValue('(none)')",
                ),
                eachContainer(
                    "containers",
                    `${sc("appArmorProfile")}.hasValue() && !(${sc("appArmorProfile.?type")}.orValue('') in ${celList(pss.appArmorTypes)})`,
                    "' sets appArmorProfile.type ' + c.securityContext.appArmorProfile.?type.orValue('(none)')",
                ),
                // The annotations that configured AppArmor before the field (deprecated, still honoured).
                "variables.annotations.filter(k, k.startsWith('container.apparmor.security.beta.kubernetes.io/') && " +
                    "!(variables.annotations[k] in ['', 'runtime/default'] || variables.annotations[k].startsWith('localhost/')))" +
                    ".map(k, 'annotation ' + k + ' is ' + variables.annotations[k])",
            ),
            "use appArmorProfile.type RuntimeDefault or Localhost (or the annotation's runtime/default or localhost/*)",
        ),
        pod(
            "pss-selinux-options",
            sum(
                when(
                    `${podSc("seLinuxOptions")}.hasValue() && !${seLinuxOk("variables.podSecurity.seLinuxOptions")}`,
                    "'the pod sets seLinuxOptions outside the allowed types, or a user or role'",
                ),
                eachContainer(
                    "containers",
                    `${sc("seLinuxOptions")}.hasValue() && !${seLinuxOk("c.securityContext.seLinuxOptions")}`,
                    "' sets seLinuxOptions outside the allowed types, or a user or role'",
                ),
            ),
            "set seLinuxOptions.type only to container_t, container_init_t, container_kvm_t or container_engine_t, and no user or role",
        ),
        pod(
            "pss-proc-mount-default",
            eachContainer(
                "containers",
                `${sc("procMount")}.orValue('Default') != 'Default'`,
                "' sets procMount ' + c.securityContext.procMount",
            ),
            "leave securityContext.procMount unset or Default",
        ),
        pod(
            "pss-safe-sysctls",
            `${podSc("sysctls")}.orValue([]).filter(s, !(s.name in ${celList(pss.safeSysctls)})).map(s, 'sysctl ' + s.name + ' is not in the safe set')`,
            "set only the Pod Security baseline's safe sysctls",
        ),
        pod(
            "pss-no-host-path",
            // The log shipper reads every pod's log files under /var/log/pods on its node, which only
            // a hostPath reaches; its namespace holds nothing else, and pss-host-path-read-only still
            // applies there. Every other namespace refuses host paths outright.
            `request.namespace in ${celList(facts.hostPathNamespaces)} ? [] : ` +
                "variables.volumes.filter(v, has(v.hostPath)).map(v, 'volume ' + v.name + ' mounts host path ' + v.hostPath.path)",
            "use a persistentVolumeClaim, emptyDir, configMap or secret volume",
        ),
        pod(
            "pss-host-path-read-only",
            `variables.workloadContainers.map(c, c.?volumeMounts.orValue([]).filter(m, m.name in ${hostPathVolumes} && !m.?readOnly.orValue(false))` +
                ".map(m, 'container ' + c.name + ' mounts host path volume ' + m.name + ' writable')).flatten()",
            "mount every hostPath volume with readOnly: true",
        ),
        pod(
            "pss-no-host-ports",
            eachContainer("containers", "c.?ports.orValue([]).exists(p, p.?hostPort.orValue(0) != 0)", "' binds a hostPort'"),
            "remove hostPort; expose the port through a Service",
        ),
        pod(
            "pss-allowed-volume-types",
            `variables.volumes.filter(v, v.exists(k, k != 'name' && !(k in ${celList(pss.volumeSources)})))` +
                `.map(v, 'volume ' + v.name + ' is of type ' + v.filter(k, k != 'name').join(', '))`,
            `use only ${pss.volumeSources.filter((s) => s !== "hostPath").join(", ")} volumes`,
        ),
        pod(
            "pss-no-host-probes",
            eachContainer(
                "containers",
                pss.hostHandlers.map((h) => `c.?${h}.?host.orValue('') != ''`).join(" || "),
                "' sets host on a probe or lifecycle handler'",
            ),
            "leave host unset: a probe checks its own pod",
        ),
        pod(
            "container-read-only-root-filesystem",
            eachContainer(
                "workloadContainers",
                `!${sc("readOnlyRootFilesystem")}.orValue(false)`,
                "' has a writable root filesystem'",
            ),
            "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the program writes",
        ),
        pod(
            "container-resources",
            eachContainer(
                "workloadContainers",
                "!(c.?resources.?requests.?cpu.hasValue() && c.?resources.?requests.?memory.hasValue() && c.?resources.?limits.?memory.hasValue()) || " +
                    "quantity(string(c.resources.limits.memory)).isLessThan(quantity(string(c.resources.requests.memory)))",
                "' lacks CPU and memory requests and a memory limit at least the request'",
            ),
            "set resources.requests.cpu, requests.memory and limits.memory (≥ the request)",
        ),
        pod(
            "image-no-latest-tag",
            "variables.containers.filter(c, !c.image.matches('^([^/@]+/)*[^/@:]+:[^/@:]+(@.*)?$') || c.image.matches('^([^/@]+/)*[^/@:]+:latest(@.*)?$'))" +
                ".map(c, 'container ' + c.name + ' image ' + c.image + ' has no tag or the latest tag')",
            "pin a release tag (and a digest): repository:tag@sha256:…",
        ),
        pod(
            "image-allowed-registry",
            `variables.containers.filter(c, !${celList(facts.allowedRegistries)}.exists(r, ${qualifiedImage("c.image")}.startsWith(r + '/')))` +
                ".map(c, 'container ' + c.name + ' image ' + c.image + ' is not from an allowed registry')",
            `pull from ${facts.allowedRegistries.join(", ")}`,
        ),
        pod(
            "sa-not-default",
            when(
                "variables.podSpec.?serviceAccountName.orValue('default') == 'default'",
                "'the pod runs as its namespace default ServiceAccount'",
            ),
            "give the workload its own ServiceAccount (serviceAccountName)",
        ),
        pod(
            "secrets-no-literal-env",
            "variables.workloadContainers.map(c, c.?env.orValue([]).filter(e, has(e.value) && e.name.matches('" +
                secretName +
                `') && !${celList(nonSecretSuffixes)}.exists(s, e.name.upperAscii().endsWith(s))).map(e, 'container ' + c.name + ' sets ' + e.name + ' literally')).flatten()`,
            "mount the value from a Secret as a file",
        ),
        pod(
            "container-ephemeral-storage",
            eachContainer(
                "workloadContainers",
                "!(c.?resources.?requests[?'ephemeral-storage'].hasValue() && c.?resources.?limits[?'ephemeral-storage'].hasValue())",
                "' lacks an ephemeral-storage request and limit'",
            ),
            "set resources.requests and limits of ephemeral-storage: a container that fills its node's disk evicts its neighbours",
        ),
        pod(
            "container-empty-dir-size-limit",
            "variables.volumes.filter(v, has(v.emptyDir) && !v.emptyDir.?sizeLimit.hasValue()).map(v, 'emptyDir ' + v.name + ' has no sizeLimit')",
            "set emptyDir.sizeLimit on every emptyDir volume",
        ),
        pod(
            "container-high-uid-gid",
            sum(
                ...(["runAsUser", "runAsGroup"] as const).flatMap((f) => {
                    const effective = `${sc(f)}.orValue(${podSc(f)}.orValue(-1))`;
                    return [
                        eachContainer("containers", `${effective} == -1`, `' sets no ${f}'`),
                        eachContainer(
                            "containers",
                            `${effective} != -1 && ${effective} < ${minimumId}`,
                            `' runs with ${f} ' + string(${effective})`,
                        ),
                    ];
                }),
                when(
                    `${podSc("fsGroup")}.orValue(${minimumId}) < ${minimumId}`,
                    "'the pod sets fsGroup ' + string(variables.podSecurity.fsGroup)",
                ),
            ),
            `run every container with runAsUser and runAsGroup ≥ ${minimumId} (and fsGroup ≥ ${minimumId})`,
        ),
        pod(
            "secrets-mounted-as-files",
            sum(
                "variables.containers.map(c, c.?env.orValue([]).filter(e, e.?valueFrom.?secretKeyRef.hasValue()).map(e, 'container ' + c.name + ' reads Secret into env ' + e.name)).flatten()",
                eachContainer(
                    "containers",
                    "c.?envFrom.orValue([]).exists(f, has(f.secretRef))",
                    "' loads a Secret into its environment (envFrom)'",
                ),
            ),
            "mount the Secret as a volume and read the file (the *_FILE convention)",
        ),
    ];
    if (facts.requireDigest) {
        rules.push(
            pod(
                "image-digest-pinned",
                "variables.containers.filter(c, !c.image.matches('@sha256:[0-9a-f]{64}$')).map(c, 'container ' + c.name + ' image ' + c.image + ' is not pinned by digest')",
                "deploy by digest: repository:tag@sha256:…",
            ),
        );
    }
    return Object.fromEntries(rules.map((r) => [r.name, r]));
}

const serviceRules: AdmissionRule[] = [
    {
        name: "network-no-external-service-types",
        target: "services",
        violations: when(
            "object.spec.?type.orValue('ClusterIP') in ['LoadBalancer', 'NodePort']",
            "'type ' + object.spec.type + ' exposes it outside the cluster'",
        ),
        fix: "use a ClusterIP Service behind the edge's Gateway",
    },
    {
        // CVE-2020-8554: any Service may claim an external IP and intercept the cluster's traffic to it.
        name: "network-no-external-ips",
        target: "services",
        violations: when(
            "object.spec.?externalIPs.orValue([]).size() > 0",
            "'it claims externalIPs ' + object.spec.externalIPs.join(', ')",
        ),
        fix: "remove spec.externalIPs",
    },
];

/** `a rule <text>` for each rule of the Role where `cond` (over `r`) holds. */
const eachRoleRule = (cond: string, text: string): string =>
    `object.?rules.orValue([]).filter(r, ${cond}).map(r, 'a rule ' + ${text})`;

const roleRules: AdmissionRule[] = [
    {
        name: "rbac-no-wildcards",
        target: "roles",
        violations: eachRoleRule(
            "['verbs', 'resources', 'apiGroups'].exists(f, f in r && '*' in r[f])",
            "'uses * in its verbs, resources or apiGroups'",
        ),
        fix: "list the verbs, resources and API groups the role needs",
    },
    {
        name: "rbac-no-pod-exec-attach",
        target: "roles",
        violations: eachRoleRule(
            "r.?resources.orValue([]).exists(x, x in ['pods/exec', 'pods/attach', 'pods/portforward'])",
            "'grants pods/exec, pods/attach or pods/portforward'",
        ),
        fix: "debug through logs and metrics; grant exec only to a break-glass role outside the platform",
    },
    {
        name: "rbac-no-secret-read",
        target: "roles",
        violations: eachRoleRule(
            "r.?apiGroups.orValue([]).exists(g, g == '' || g == '*') && r.?resources.orValue([]).exists(x, x in ['secrets', '*']) && " +
                "r.verbs.exists(v, v in ['get', 'list', 'watch', '*'])",
            "'reads secrets'",
        ),
        fix: "mount the Secret into the workload that needs it instead of granting read",
    },
    {
        // RBAC good practices: each of these verbs lets a role grant, or act with, more than it holds.
        name: "rbac-no-escalate-bind-impersonate",
        target: "roles",
        violations: eachRoleRule(
            "r.verbs.exists(v, v in ['escalate', 'bind', 'impersonate'])",
            "'grants escalate, bind or impersonate'",
        ),
        fix: "grant only the verbs the workload uses",
    },
    {
        // A token request mints credentials of any service account of the namespace.
        name: "rbac-no-token-requests",
        target: "roles",
        violations: eachRoleRule(
            "r.?resources.orValue([]).exists(x, x == 'serviceaccounts/token') && r.verbs.exists(v, v in ['create', '*'])",
            "'grants create on serviceaccounts/token'",
        ),
        fix: "let the kubelet project the workload's own token instead",
    },
];

/** Built-in ClusterRoles too broad to bind, and the subjects that mean "anyone" to the API server. */
const broadRoles = ["cluster-admin", "admin", "edit"];
const publicSubjects = ["User/system:anonymous", "Group/system:unauthenticated", "Group/system:authenticated"];

const bindingRules: AdmissionRule[] = [
    {
        name: "rbac-no-broad-role-binding",
        target: "roleBindings",
        violations: sum(
            when(
                `object.roleRef.kind == 'ClusterRole' && object.roleRef.name in ${celList(broadRoles)}`,
                "'it binds the built-in ClusterRole ' + object.roleRef.name",
            ),
            "object.?subjects.orValue([]).filter(s, s.kind == 'Group' && s.name == 'system:masters').map(s, 'it binds the group system:masters')",
        ),
        fix: "bind a Role that lists only the permissions the subject needs",
    },
    {
        name: "rbac-no-public-subjects",
        target: "roleBindings",
        violations: `object.?subjects.orValue([]).filter(s, (s.kind + '/' + s.name) in ${celList(publicSubjects)}).map(s, 'it binds ' + s.kind + ' ' + s.name)`,
        fix: "bind named groups or service accounts",
    },
];

/** `*-snippet(s)` annotations make an ingress controller paste their text into its proxy configuration (CVE-2021-25742, CVE-2023-5044, CVE-2025-1974). */
const ingressRules: AdmissionRule[] = [
    {
        name: "network-no-config-injection-annotations",
        target: "ingresses",
        violations:
            "object.metadata.?annotations.orValue({}).filter(k, k.matches('^[^/]+/[A-Za-z0-9.-]*-snippets?$')).map(k, 'annotation ' + k + ' injects proxy configuration')",
        fix: "use the controller's typed settings instead of configuration snippets",
    },
    {
        // ingress-nginx was retired by the Kubernetes project in March 2026 (no releases, no CVE fixes):
        // an Ingress would be served by an unpatched controller, or by none.
        name: "edge-no-ingress",
        target: "ingresses",
        violations: "['the edge is Gateway API: ingress-nginx was retired in March 2026']",
        fix: "route through the platform's Gateway with an HTTPRoute",
    },
];

/** Every rule the module knows, by name, for these facts. */
export function admissionRules(facts: RuleFacts): Record<string, AdmissionRule> {
    return {
        ...podRules(facts),
        ...Object.fromEntries([...serviceRules, ...ingressRules, ...roleRules, ...bindingRules].map((r) => [r.name, r])),
    };
}
