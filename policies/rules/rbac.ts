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
    description: "Roles and ClusterRoles list verbs, resources, apiGroups and nonResourceURLs explicitly: no \"*\".",
    remediation: "replace each \"*\" with the exact verbs, resources and API groups the workload uses.",
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

export const noClusterAdminBinding = resourcePolicy<BaseConfig, BindingObject & { readonly subjects?: readonly { readonly kind?: string; readonly name?: string }[] }>({
    name: "rbac-no-cluster-admin-binding",
    group: "rbac",
    severity: "critical",
    kinds: ["RoleBinding", "ClusterRoleBinding"],
    description: "No RoleBinding or ClusterRoleBinding grants cluster-admin or binds the system:masters group.",
    remediation: "bind a Role (or ClusterRole) that lists only the permissions the subject needs.",
    check: ({ props, violation }) => {
        const ref = props.roleRef ?? {};
        if (ref.name === "cluster-admin" && (ref.kind === undefined || ref.kind === "ClusterRole")) {
            violation("binds the cluster-admin ClusterRole.");
        }
        for (const s of arrayOf(props.subjects)) {
            if (s.kind === "Group" && s.name === "system:masters") {
                violation("binds the system:masters group, which bypasses RBAC.");
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

export const rbacPolicies: readonly ResourceValidationPolicy[] = [noWildcards, noClusterAdminBinding, noPodExecAttach, noSecretRead];
