// Least-privilege grants: a Role and the RoleBinding that gives it to its subjects, the shape every
// namespaced grant of the platform takes (a service reading the API, Prometheus discovering targets,
// the deployer and viewer groups). A ClusterRole only for what has no namespace or spans them all
// (kube-state-metrics' list/watch, Prometheus reading the nodes' kubelet metrics), read-only, and
// never a built-in one.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { childName, type NamedMeta, type Owner } from "./objects";

type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;
type Subject = k8s.types.input.rbac.v1.Subject;

/** A group of people, as bound by the namespace roles. */
export function groupSubject(name: string): Subject {
    return { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name };
}

export function serviceAccountSubject(name: string, namespace: string): Subject {
    return { kind: "ServiceAccount", name, namespace };
}

/**
 * The Role `meta.name` with `rules`, and its RoleBinding of the same name to `subjects` (none when
 * there are no subjects). `roles` names the two children: one role for both, or one each.
 */
export function grantRole(
    owner: Owner,
    roles: string | { role: string; binding: string },
    meta: NamedMeta,
    rules: PolicyRule[],
    subjects: Subject[],
    opts: pulumi.CustomResourceOptions = {},
): k8s.rbac.v1.Role {
    const names = typeof roles === "string" ? { role: roles, binding: roles } : roles;
    const childOpts = { ...opts, parent: owner.parent };
    const role = new k8s.rbac.v1.Role(childName(owner, names.role), { metadata: meta, rules }, childOpts);
    if (subjects.length > 0) {
        new k8s.rbac.v1.RoleBinding(
            childName(owner, names.binding),
            { metadata: meta, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: meta.name }, subjects },
            childOpts,
        );
    }
    return role;
}

/**
 * The ClusterRole `name` with `rules`, and its ClusterRoleBinding of the same name to `subjects`: only
 * for reads the API offers no namespaced form of (nodes, persistent volumes) or that span every namespace.
 */
export function grantClusterRole(
    owner: Owner,
    roles: { role: string; binding: string },
    meta: NamedMetaWithoutNamespace,
    rules: PolicyRule[],
    subjects: Subject[],
): k8s.rbac.v1.ClusterRole {
    const childOpts = { parent: owner.parent };
    const role = new k8s.rbac.v1.ClusterRole(childName(owner, roles.role), { metadata: meta, rules }, childOpts);
    new k8s.rbac.v1.ClusterRoleBinding(
        childName(owner, roles.binding),
        { metadata: meta, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: meta.name }, subjects },
        childOpts,
    );
    return role;
}

/** Metadata of a cluster-scoped object: a name and labels, no namespace. */
export interface NamedMetaWithoutNamespace {
    name: string;
    labels: Record<string, string>;
}
