import { describe, expect, it } from "vitest";

import { noClusterAdminBinding, noPodExecAttach, noSecretRead, noWildcards } from "../../policies/rules/rbac";
import { binding, role } from "./fixtures";
import { loadConfigFile, PolicyConfigFile, problems } from "./harness";

const READ_CONFIGMAPS = { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] };

describe("rbac-no-wildcards", () => {
    it("passes a role with explicit rules", async () => {
        expect(await problems(noWildcards, role("auth-service", [READ_CONFIGMAPS]))).toEqual([]);
    });

    it("reports wildcards in verbs, resources and apiGroups", async () => {
        expect(await problems(noWildcards, role("auth-service", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]))).toEqual([
            'Role azora/auth-service: rule #1 uses the wildcard "*" in verbs.',
            'Role azora/auth-service: rule #1 uses the wildcard "*" in resources.',
            'Role azora/auth-service: rule #1 uses the wildcard "*" in apiGroups.',
        ]);
    });

    it("reports a subresource wildcard in a ClusterRole", async () => {
        expect(await problems(noWildcards, role("reader", [READ_CONFIGMAPS, { apiGroups: [""], resources: ["pods/*"], verbs: ["get"] }], "ClusterRole"))).toEqual([
            'ClusterRole reader: rule #2 uses the wildcard "pods/*" in resources.',
        ]);
    });

    it("reports a wildcard in nonResourceURLs", async () => {
        expect(await problems(noWildcards, role("metrics", [{ nonResourceURLs: ["/metrics*"], verbs: ["get"] }], "ClusterRole"))).toEqual([
            'ClusterRole metrics: rule #1 uses the wildcard "/metrics*" in nonResourceURLs.',
        ]);
    });
});

describe("rbac-no-cluster-admin-binding", () => {
    it("passes a binding to a namespaced Role", async () => {
        expect(await problems(noClusterAdminBinding, binding("auth-service", { kind: "Role", name: "auth-service" }))).toEqual([]);
    });

    it("reports a ClusterRoleBinding to cluster-admin", async () => {
        expect(await problems(noClusterAdminBinding, binding("ci", { kind: "ClusterRole", name: "cluster-admin" }, "ClusterRoleBinding"))).toEqual([
            "ClusterRoleBinding ci: binds the cluster-admin ClusterRole.",
        ]);
    });

    it("reports a RoleBinding to cluster-admin", async () => {
        expect(await problems(noClusterAdminBinding, binding("ops", { kind: "ClusterRole", name: "cluster-admin" }))).toEqual([
            "RoleBinding azora/ops: binds the cluster-admin ClusterRole.",
        ]);
    });

    it("reports a binding of the system:masters group", async () => {
        const b = binding("ops", { kind: "ClusterRole", name: "view" }, "ClusterRoleBinding", [{ kind: "Group", name: "system:masters" }]);
        expect(await problems(noClusterAdminBinding, b)).toEqual(["ClusterRoleBinding ops: binds the system:masters group, which bypasses RBAC."]);
    });
});

describe("rbac-no-pod-exec-attach", () => {
    it("passes a role that reads pods and logs", async () => {
        expect(await problems(noPodExecAttach, role("debugger", [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get"] }]))).toEqual([]);
    });

    it("reports pods/exec, pods/attach and pods/portforward", async () => {
        const r = role("debugger", [{ apiGroups: [""], resources: ["pods/exec", "pods/attach", "pods/portforward"], verbs: ["create", "get"] }]);
        expect(await problems(noPodExecAttach, r)).toEqual(["Role azora/debugger: rule #1 grants pods/exec, pods/attach, pods/portforward."]);
    });
});

describe("rbac-no-secret-read", () => {
    const SECRET_READER = { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] };

    it("passes a role that does not touch Secrets", async () => {
        expect(await problems(noSecretRead, role("auth-service", [READ_CONFIGMAPS]))).toEqual([]);
    });

    it("passes a role that may only create Secrets", async () => {
        expect(await problems(noSecretRead, role("issuer", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }]))).toEqual([]);
    });

    it("reports a role that reads Secrets", async () => {
        expect(await problems(noSecretRead, role("auth-service", [SECRET_READER]))).toEqual([
            "Role azora/auth-service: rule #1 lets it get, list Secrets, and it is not in secretReaders.",
        ]);
    });

    it("reports a role that reads every core resource", async () => {
        expect(await problems(noSecretRead, role("auth-service", [{ apiGroups: [""], resources: ["*"], verbs: ["watch"] }]))).toEqual([
            "Role azora/auth-service: rule #1 lets it watch Secrets, and it is not in secretReaders.",
        ]);
    });

    it("passes a role named in secretReaders", async () => {
        const config: PolicyConfigFile = { "rbac-no-secret-read": { secretReaders: ["Role/azora/cert-syncer"] } };
        expect(await problems(noSecretRead, role("cert-syncer", [SECRET_READER]), config)).toEqual([]);
    });

    it("does not let secretReaders admit a same-named role in another namespace", async () => {
        const config: PolicyConfigFile = { "rbac-no-secret-read": { secretReaders: ["Role/azora/cert-syncer"] } };
        expect(await problems(noSecretRead, role("cert-syncer", [SECRET_READER], "Role", "other"), config)).toHaveLength(1);
    });

    it("names no secret readers in any environment", async () => {
        for (const env of ["local", "dev", "staging", "prod"] as const) {
            expect(await problems(noSecretRead, role("auth-service", [SECRET_READER]), loadConfigFile(env))).toHaveLength(1);
        }
    });
});
