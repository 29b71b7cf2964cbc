// RBAC: least privilege, no escape hatches.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { arrayOf, BindingObject, PolicyRule, referenceMatches, RoleObject } from "../lib/k8s";
import { BaseConfig, resourcePolicy } from "../lib/policy";

function ruleLabel(index: number): string {
    return `rule #${index + 1}`;
}

function coversCoreGroup(rule: PolicyRule): boolean {
    const groups = arrayOf(rule.apiGroups);
    return groups.includes("") || groups.includes("*");
}

export const noWildcards = resourcePolicy<BaseConfig, RoleObject>({
    name: "rbac-no-wildcards",
    group: "rbac",
    severity: "high",
    kinds: ["Role", "ClusterRole"],
    description: 'Roles and ClusterRoles list verbs, resources, apiGroups and nonResourceURLs explicitly: no "*".',
    remediation: 'replace each "*" with the exact verbs, resources and API groups the workload uses.',
    check: ({ props, violation }) => {
        arrayOf(props.rules).forEach((rule, i) => {
            for (const field of ["verbs", "resources", "apiGroups", "nonResourceURLs"] as const) {
                const wild = arrayOf(rule[field]).filter((v) => typeof v === "string" && v.includes("*"));
                if (wild.length > 0) {
                    violation(`${ruleLabel(i)} uses the wildcard ${wild.map((w) => `"${w}"`).join(", ")} in ${field}.`);
                }
            }
        });
    },
});

/** Built-in ClusterRoles that grant (nearly) everything in their scope: binding one is never least privilege. */
const BROAD_ROLES: readonly string[] = ["cluster-admin", "admin", "edit"];

export const noBroadRoleBinding = resourcePolicy<BaseConfig, BindingObject>({
    name: "rbac-no-broad-role-binding",
    group: "rbac",
    severity: "critical",
    kinds: ["RoleBinding", "ClusterRoleBinding"],
    description: `No RoleBinding or ClusterRoleBinding grants the built-in broad ClusterRoles (${BROAD_ROLES.join(", ")}) or binds the system:masters group.`,
    remediation: "bind a Role (or ClusterRole) that lists only the permissions the subject needs.",
    check: ({ props, violation }) => {
        const ref = props.roleRef ?? {};
        if (BROAD_ROLES.includes(ref.name ?? "") && (ref.kind === undefined || ref.kind === "ClusterRole")) {
            violation(`binds the built-in ${ref.name} ClusterRole.`);
        }
        for (const s of arrayOf(props.subjects)) {
            if (s.kind === "Group" && s.name === "system:masters") {
                violation("binds the system:masters group, which bypasses RBAC.");
            }
        }
    },
});

/** Users and groups that stand for everyone (or anyone who can present any credential). */
const PUBLIC_SUBJECTS: readonly { readonly kind: string; readonly name: string }[] = [
    { kind: "User", name: "system:anonymous" },
    { kind: "Group", name: "system:unauthenticated" },
    { kind: "Group", name: "system:authenticated" },
];

export const noPublicSubjects = resourcePolicy<BaseConfig, BindingObject>({
    name: "rbac-no-public-subjects",
    group: "rbac",
    severity: "critical",
    kinds: ["RoleBinding", "ClusterRoleBinding"],
    description:
        "No binding grants anything to system:anonymous, system:unauthenticated or system:authenticated (every caller, or every holder of any credential).",
    remediation: "bind the role to the ServiceAccount, user or group that needs it.",
    check: ({ props, violation }) => {
        for (const s of arrayOf(props.subjects)) {
            if (PUBLIC_SUBJECTS.some((p) => p.kind === s.kind && p.name === s.name)) {
                violation(`binds ${s.kind} ${s.name}, which is everyone to the API server.`);
            }
        }
    },
});

const POD_ACCESS_SUBRESOURCES: readonly string[] = ["pods/exec", "pods/attach", "pods/portforward"];

export const noPodExecAttach = resourcePolicy<BaseConfig, RoleObject>({
    name: "rbac-no-pod-exec-attach",
    group: "rbac",
    severity: "high",
    kinds: ["Role", "ClusterRole"],
    description: "No Role or ClusterRole grants pods/exec, pods/attach or pods/portforward.",
    remediation: "remove the subresource from the rule; operators use break-glass access, not a workload's role.",
    check: ({ props, violation }) => {
        arrayOf(props.rules).forEach((rule, i) => {
            if (!coversCoreGroup(rule)) {
                return;
            }
            const granted = arrayOf(rule.resources).filter((r) => POD_ACCESS_SUBRESOURCES.includes(r));
            if (granted.length > 0) {
                violation(`${ruleLabel(i)} grants ${granted.join(", ")}.`);
            }
        });
    },
});

export interface SecretReadersConfig extends BaseConfig {
    /** Roles allowed to read Secrets: `Role/namespace/name`, `ClusterRole/name` or `name`. */
    readonly secretReaders?: readonly string[];
}

const READ_VERBS: readonly string[] = ["get", "list", "watch", "*"];

export const noSecretRead = resourcePolicy<SecretReadersConfig, RoleObject>({
    name: "rbac-no-secret-read",
    group: "rbac",
    severity: "high",
    kinds: ["Role", "ClusterRole"],
    description: "Only Roles listed in secretReaders may get, list or watch Secrets.",
    remediation:
        "mount the Secret into the pod instead of reading it through the API; if the role truly must read Secrets, add it to secretReaders in the policy config.",
    config: {
        secretReaders: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: [],
            description: "Roles allowed to read Secrets: Role/namespace/name, ClusterRole/name or name.",
        },
    },
    check: ({ id, props, config, violation }) => {
        const readers: readonly unknown[] = Array.isArray(config.secretReaders) ? config.secretReaders : [];
        if (readers.some((r) => typeof r === "string" && referenceMatches(r, id))) {
            return;
        }
        arrayOf(props.rules).forEach((rule, i) => {
            const resources = arrayOf(rule.resources);
            const verbs = arrayOf(rule.verbs).filter((v) => READ_VERBS.includes(v));
            if (coversCoreGroup(rule) && (resources.includes("secrets") || resources.includes("*")) && verbs.length > 0) {
                violation(`${ruleLabel(i)} lets it ${verbs.join(", ")} Secrets, and it is not in secretReaders.`);
            }
        });
    },
});

/** One permission: an API group, a resource (or subresource) and verbs, as a rule grants it. */
interface Permission {
    readonly group: string;
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
}

/**
 * The verbs of `permission` that a rule grants for one of its resources, written out (wildcards are
 * rbac-no-wildcards' business, so a "*" alone does not count here: one problem, one policy).
 */
function grantedVerbs(rule: PolicyRule, permission: Permission): { resource: string; verbs: string[] } | undefined {
    const groups = arrayOf(rule.apiGroups);
    if (!groups.includes(permission.group)) {
        return undefined;
    }
    const resource = arrayOf(rule.resources).find((r) => permission.resources.includes(r));
    const verbs = arrayOf(rule.verbs).filter((v) => permission.verbs.includes(v));
    return resource !== undefined && verbs.length > 0 ? { resource, verbs } : undefined;
}

const WRITE_VERBS: readonly string[] = ["create", "update", "patch", "delete", "deletecollection"];

interface EscalationPath {
    readonly name: string;
    readonly description: string;
    readonly remediation: string;
    readonly permissions: readonly Permission[];
    /** Why the permission escalates, appended to each violation. */
    readonly why: string;
}

/** The escalation paths of the Kubernetes "RBAC good practices" page, one policy each. */
const ESCALATION_PATHS: readonly EscalationPath[] = [
    {
        name: "rbac-no-escalate-bind-impersonate",
        description: "No role grants escalate or bind on roles, or impersonate on users, groups, service accounts or UIDs.",
        remediation: "remove the verb; role authors get their roles through review, and nobody acts as another identity.",
        permissions: [
            { group: "rbac.authorization.k8s.io", resources: ["roles", "clusterroles"], verbs: ["escalate", "bind"] },
            { group: "", resources: ["users", "groups", "serviceaccounts"], verbs: ["impersonate"] },
            { group: "authentication.k8s.io", resources: ["uids", "userextras"], verbs: ["impersonate"] },
        ],
        why: "which lets the holder grant itself, or act with, permissions it does not have",
    },
    {
        name: "rbac-no-token-requests",
        description: "No role may create tokens for service accounts (serviceaccounts/token).",
        remediation: "let the kubelet project the pod's own bound token; do not mint tokens for other accounts.",
        permissions: [{ group: "", resources: ["serviceaccounts/token"], verbs: ["create"] }],
        why: "which issues tokens for any service account of the namespace, and so its permissions",
    },
    {
        name: "rbac-no-node-proxy",
        description: "No role reaches the kubelet API through nodes/proxy.",
        remediation:
            "read node metrics through the metrics endpoints (nodes/metrics, the metrics API) instead of the kubelet proxy.",
        permissions: [
            { group: "", resources: ["nodes/proxy"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
        ],
        why: "which reaches the kubelet API (exec into any pod of the node) and bypasses audit and admission",
    },
    {
        name: "rbac-no-csr-approval",
        description: "No role approves certificate signing requests (certificatesigningrequests/approval, signers approve).",
        remediation: "leave CSR approval to the control plane's approvers and cert-manager's own issuers.",
        permissions: [
            { group: "certificates.k8s.io", resources: ["certificatesigningrequests/approval"], verbs: ["update", "patch"] },
            { group: "certificates.k8s.io", resources: ["signers"], verbs: ["approve"] },
        ],
        why: "which issues client certificates for any identity, system:masters included",
    },
    {
        name: "rbac-no-admission-control-writes",
        description: "No role writes admission webhook or admission policy configurations.",
        remediation: "admission configuration is deployed by the platform's own stack, not by a workload's role.",
        permissions: [
            {
                group: "admissionregistration.k8s.io",
                resources: [
                    "validatingwebhookconfigurations",
                    "mutatingwebhookconfigurations",
                    "validatingadmissionpolicies",
                    "validatingadmissionpolicybindings",
                    "mutatingadmissionpolicies",
                    "mutatingadmissionpolicybindings",
                ],
                verbs: WRITE_VERBS,
            },
        ],
        why: "which can switch off the cluster's admission checks or read every object sent to the API server",
    },
    {
        name: "rbac-no-persistent-volume-writes",
        description: "No role creates or changes PersistentVolumes.",
        remediation: "request storage through PersistentVolumeClaims of a StorageClass.",
        permissions: [{ group: "", resources: ["persistentvolumes"], verbs: ["create", "update", "patch"] }],
        why: "which can create a hostPath volume and mount the node's filesystem",
    },
    {
        name: "rbac-no-namespace-writes",
        description: "No role updates or patches Namespaces.",
        remediation: "namespaces and their labels are owned by the platform's stack.",
        permissions: [{ group: "", resources: ["namespaces"], verbs: ["update", "patch"] }],
        why: "which can relabel a namespace out of Pod Security Admission's restricted level and out of network policy selectors",
    },
];

const escalationPolicies: readonly ResourceValidationPolicy[] = ESCALATION_PATHS.map((path) =>
    resourcePolicy<BaseConfig, RoleObject>({
        name: path.name,
        group: "rbac",
        severity: "critical",
        kinds: ["Role", "ClusterRole"],
        description: path.description,
        remediation: path.remediation,
        check: ({ props, violation }) => {
            arrayOf(props.rules).forEach((rule, i) => {
                for (const permission of path.permissions) {
                    const granted = grantedVerbs(rule, permission);
                    if (granted) {
                        violation(`${ruleLabel(i)} grants ${granted.verbs.join(", ")} on ${granted.resource}, ${path.why}.`);
                    }
                }
            });
        },
    }),
);

export interface DeployerRolesConfig extends BaseConfig {
    /** Roles that may create workloads: `Role/namespace/name`, `ClusterRole/name` or `name`. */
    readonly deployerRoles?: readonly string[];
}

const WORKLOAD_PERMISSIONS: readonly Permission[] = [
    { group: "", resources: ["pods", "replicationcontrollers", "podtemplates"], verbs: ["create", "update", "patch"] },
    {
        group: "apps",
        resources: ["deployments", "replicasets", "statefulsets", "daemonsets"],
        verbs: ["create", "update", "patch"],
    },
    { group: "batch", resources: ["jobs", "cronjobs"], verbs: ["create", "update", "patch"] },
];

export const workloadCreationByDeployers = resourcePolicy<DeployerRolesConfig, RoleObject>({
    name: "rbac-workload-creation-by-deployers",
    group: "rbac",
    severity: "high",
    kinds: ["Role", "ClusterRole"],
    description:
        "Only roles named in deployerRoles may create or change pods or workloads: that right implies every Secret, ConfigMap and ServiceAccount of the namespace.",
    remediation:
        "remove the workload verbs from the role; the platform deploys through its stack's credentials, and a role that truly deploys is listed in deployerRoles in the policy config.",
    config: {
        deployerRoles: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: [],
            description: "Roles allowed to create or change pods and workloads: Role/namespace/name, ClusterRole/name or name.",
        },
    },
    check: ({ id, props, config, violation }) => {
        const deployers: readonly unknown[] = Array.isArray(config.deployerRoles) ? config.deployerRoles : [];
        if (deployers.some((r) => typeof r === "string" && referenceMatches(r, id))) {
            return;
        }
        arrayOf(props.rules).forEach((rule, i) => {
            for (const permission of WORKLOAD_PERMISSIONS) {
                const granted = grantedVerbs(rule, permission);
                if (granted) {
                    violation(
                        `${ruleLabel(i)} grants ${granted.verbs.join(", ")} on ${granted.resource}, and it is not in deployerRoles.`,
                    );
                }
            }
        });
    },
});

export const rbacPolicies: readonly ResourceValidationPolicy[] = [
    noWildcards,
    noBroadRoleBinding,
    noPublicSubjects,
    noPodExecAttach,
    noSecretRead,
    ...escalationPolicies,
    workloadCreationByDeployers,
];
