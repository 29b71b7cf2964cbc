import { describe, expect, it } from "vitest";

import {
    noBroadRoleBinding,
    noPodExecAttach,
    noPublicSubjects,
    noSecretRead,
    noWildcards,
    rbacPolicies,
    workloadCreationByDeployers,
} from "../../policies/rules/rbac";
import { binding, role } from "./fixtures";
import { loadConfigFile, PolicyConfigFile, problems } from "./harness";

const READ_CONFIGMAPS = { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] };

describe("rbac-no-wildcards", () => {
    it("passes a role with explicit rules", async () => {
        expect(await problems(noWildcards, role("auth-service", [READ_CONFIGMAPS]))).toEqual([]);
    });

    it("reports wildcards in verbs, resources and apiGroups", async () => {
        expect(await problems(noWildcards, role("auth-service", [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]))).toEqual(
            [
                'Role azora/auth-service: rule #1 uses the wildcard "*" in verbs.',
                'Role azora/auth-service: rule #1 uses the wildcard "*" in resources.',
                'Role azora/auth-service: rule #1 uses the wildcard "*" in apiGroups.',
            ],
        );
    });

    it("reports a subresource wildcard in a ClusterRole", async () => {
        expect(
            await problems(
                noWildcards,
                role("reader", [READ_CONFIGMAPS, { apiGroups: [""], resources: ["pods/*"], verbs: ["get"] }], "ClusterRole"),
            ),
        ).toEqual(['ClusterRole reader: rule #2 uses the wildcard "pods/*" in resources.']);
    });

    it("reports a wildcard in nonResourceURLs", async () => {
        expect(
            await problems(noWildcards, role("metrics", [{ nonResourceURLs: ["/metrics*"], verbs: ["get"] }], "ClusterRole")),
        ).toEqual(['ClusterRole metrics: rule #1 uses the wildcard "/metrics*" in nonResourceURLs.']);
    });
});

describe("rbac-no-broad-role-binding", () => {
    it("passes a binding to a namespaced Role", async () => {
        expect(await problems(noBroadRoleBinding, binding("auth-service", { kind: "Role", name: "auth-service" }))).toEqual([]);
    });

    it("reports a ClusterRoleBinding to cluster-admin", async () => {
        expect(
            await problems(
                noBroadRoleBinding,
                binding("ci", { kind: "ClusterRole", name: "cluster-admin" }, "ClusterRoleBinding"),
            ),
        ).toEqual(["ClusterRoleBinding ci: binds the built-in cluster-admin ClusterRole."]);
    });

    it.each(["cluster-admin", "admin", "edit"])("reports a RoleBinding to the built-in %s ClusterRole", async (name) => {
        expect(await problems(noBroadRoleBinding, binding("ops", { kind: "ClusterRole", name }))).toEqual([
            `RoleBinding azora/ops: binds the built-in ${name} ClusterRole.`,
        ]);
    });

    it("passes a binding to the built-in view ClusterRole", async () => {
        expect(await problems(noBroadRoleBinding, binding("ops", { kind: "ClusterRole", name: "view" }))).toEqual([]);
    });

    it("passes a binding to a namespaced Role that happens to be called admin", async () => {
        expect(await problems(noBroadRoleBinding, binding("ops", { kind: "Role", name: "admin" }))).toEqual([]);
    });

    it("reports a binding of the system:masters group", async () => {
        const b = binding("ops", { kind: "ClusterRole", name: "view" }, "ClusterRoleBinding", [
            { kind: "Group", name: "system:masters" },
        ]);
        expect(await problems(noBroadRoleBinding, b)).toEqual([
            "ClusterRoleBinding ops: binds the system:masters group, which bypasses RBAC.",
        ]);
    });
});

describe("rbac-no-public-subjects", () => {
    it("passes a binding to a ServiceAccount", async () => {
        expect(await problems(noPublicSubjects, binding("auth-service", { kind: "Role", name: "auth-service" }))).toEqual([]);
    });

    it.each([
        ["User", "system:anonymous"],
        ["Group", "system:unauthenticated"],
        ["Group", "system:authenticated"],
    ])("reports a binding to %s %s", async (kind, name) => {
        const b = binding("public", { kind: "ClusterRole", name: "view" }, "ClusterRoleBinding", [{ kind, name }]);
        expect(await problems(noPublicSubjects, b)).toEqual([
            `ClusterRoleBinding public: binds ${kind} ${name}, which is everyone to the API server.`,
        ]);
    });

    it("passes a user that merely starts with system:", async () => {
        const b = binding("node", { kind: "Role", name: "reader" }, "RoleBinding", [
            { kind: "User", name: "system:kube-scheduler" },
        ]);
        expect(await problems(noPublicSubjects, b)).toEqual([]);
    });
});

/** One rule per escalation path of the Kubernetes RBAC good-practices page, and the policy that refuses it. */
const ESCALATIONS: readonly [string, { apiGroups: string[]; resources: string[]; verbs: string[] }, string][] = [
    [
        "rbac-no-escalate-bind-impersonate",
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] },
        "escalate on roles",
    ],
    [
        "rbac-no-escalate-bind-impersonate",
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"] },
        "bind on clusterroles",
    ],
    [
        "rbac-no-escalate-bind-impersonate",
        { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
        "impersonate on serviceaccounts",
    ],
    [
        "rbac-no-escalate-bind-impersonate",
        { apiGroups: ["authentication.k8s.io"], resources: ["uids"], verbs: ["impersonate"] },
        "impersonate on uids",
    ],
    [
        "rbac-no-token-requests",
        { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
        "create on serviceaccounts/token",
    ],
    ["rbac-no-node-proxy", { apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }, "get on nodes/proxy"],
    [
        "rbac-no-csr-approval",
        { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] },
        "update on certificatesigningrequests/approval",
    ],
    [
        "rbac-no-csr-approval",
        { apiGroups: ["certificates.k8s.io"], resources: ["signers"], verbs: ["approve"] },
        "approve on signers",
    ],
    [
        "rbac-no-admission-control-writes",
        { apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"], verbs: ["patch"] },
        "patch on validatingwebhookconfigurations",
    ],
    [
        "rbac-no-admission-control-writes",
        { apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingadmissionpolicybindings"], verbs: ["delete"] },
        "delete on validatingadmissionpolicybindings",
    ],
    [
        "rbac-no-persistent-volume-writes",
        { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create"] },
        "create on persistentvolumes",
    ],
    ["rbac-no-namespace-writes", { apiGroups: [""], resources: ["namespaces"], verbs: ["patch"] }, "patch on namespaces"],
];

describe("the RBAC escalation paths", () => {
    it.each(ESCALATIONS)("%s refuses a role with %j", async (name, rule, granted) => {
        const policy = rbacPolicies.find((p) => p.name === name);
        expect(policy, name).toBeDefined();
        const found = await problems(policy!, role("operator", [READ_CONFIGMAPS, rule], "ClusterRole"));
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(new RegExp(`^ClusterRole operator: rule #2 grants ${granted.replace(/[/]/g, "\\/")}, which `));
    });

    it.each([...new Set(ESCALATIONS.map(([name]) => name))])("%s passes a role that only reads ConfigMaps", async (name) => {
        expect(
            await problems(
                rbacPolicies.find((p) => p.name === name)!,
                role("reader", [READ_CONFIGMAPS]),
            ),
        ).toEqual([]);
    });

    it("reads the verb in its own API group only: impersonate on a custom resource called users is not the core one", async () => {
        const policy = rbacPolicies.find((p) => p.name === "rbac-no-escalate-bind-impersonate")!;
        expect(
            await problems(policy, role("crd", [{ apiGroups: ["example.com"], resources: ["users"], verbs: ["impersonate"] }])),
        ).toEqual([]);
    });

    it("leaves a verb wildcard to rbac-no-wildcards, so one rule is not reported twice", async () => {
        const policy = rbacPolicies.find((p) => p.name === "rbac-no-token-requests")!;
        expect(
            await problems(policy, role("any", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["*"] }])),
        ).toEqual([]);
    });
});

describe("rbac-workload-creation-by-deployers", () => {
    const CREATE_DEPLOYMENTS = { apiGroups: ["apps"], resources: ["deployments"], verbs: ["create", "patch"] };

    it("passes a role that only reads workloads", async () => {
        expect(
            await problems(
                workloadCreationByDeployers,
                role("viewer", [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] }]),
            ),
        ).toEqual([]);
    });

    it.each([
        [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }, "create on pods"],
        [CREATE_DEPLOYMENTS, "create, patch on deployments"],
        [{ apiGroups: ["batch"], resources: ["cronjobs"], verbs: ["update"] }, "update on cronjobs"],
    ])("reports %j outside deployerRoles", async (rule, granted) => {
        expect(await problems(workloadCreationByDeployers, role("runner", [rule]))).toEqual([
            `Role azora/runner: rule #1 grants ${granted}, and it is not in deployerRoles.`,
        ]);
    });

    it("passes a role named in deployerRoles", async () => {
        const config: PolicyConfigFile = { "rbac-workload-creation-by-deployers": { deployerRoles: ["Role/azora/deployer"] } };
        expect(await problems(workloadCreationByDeployers, role("deployer", [CREATE_DEPLOYMENTS]), config)).toEqual([]);
    });
});

describe("rbac-no-pod-exec-attach", () => {
    it("passes a role that reads pods and logs", async () => {
        expect(
            await problems(
                noPodExecAttach,
                role("debugger", [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get"] }]),
            ),
        ).toEqual([]);
    });

    it("reports pods/exec, pods/attach and pods/portforward", async () => {
        const r = role("debugger", [
            { apiGroups: [""], resources: ["pods/exec", "pods/attach", "pods/portforward"], verbs: ["create", "get"] },
        ]);
        expect(await problems(noPodExecAttach, r)).toEqual([
            "Role azora/debugger: rule #1 grants pods/exec, pods/attach, pods/portforward.",
        ]);
    });
});

describe("rbac-no-secret-read", () => {
    const SECRET_READER = { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] };

    it("passes a role that does not touch Secrets", async () => {
        expect(await problems(noSecretRead, role("auth-service", [READ_CONFIGMAPS]))).toEqual([]);
    });

    it("passes a role that may only create Secrets", async () => {
        expect(
            await problems(noSecretRead, role("issuer", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }])),
        ).toEqual([]);
    });

    it("reports a role that reads Secrets", async () => {
        expect(await problems(noSecretRead, role("auth-service", [SECRET_READER]))).toEqual([
            "Role azora/auth-service: rule #1 lets it get, list Secrets, and it is not in secretReaders.",
        ]);
    });

    it("reports a role that reads every core resource", async () => {
        expect(
            await problems(noSecretRead, role("auth-service", [{ apiGroups: [""], resources: ["*"], verbs: ["watch"] }])),
        ).toEqual(["Role azora/auth-service: rule #1 lets it watch Secrets, and it is not in secretReaders."]);
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
