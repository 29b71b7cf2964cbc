// The cluster's admission policies as the program asks for them: one ValidatingAdmissionPolicy per
// CEL-expressible rule of the policy pack, named after it, bound to the platform's namespaces only.
// Whether the API server accepts the CEL and refuses what it should is the e2e suite's part.
import { beforeAll, describe, expect, it } from "vitest";
import { Admission } from "../../components/admission";
import { parsePlatformConfig } from "../../components/config";
import { images } from "../../components/observability/images";
import { Platform } from "../../components/platform";
import { catalog } from "../../model/catalog";
import { list, type Obj, ofType, recordResources, type Registered, settle, strings, text } from "./harness";
import { pipelineDigests, readStackConfig } from "./stack-files";

const policyType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const bindingType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

/** The pack's rules that CEL can express on one object, enforced by default. */
const enforced = [
    "pss-no-host-process",
    "pss-no-host-namespaces",
    "pss-no-privileged",
    "pss-no-privilege-escalation",
    "pss-run-as-non-root",
    "pss-drop-all-capabilities",
    "pss-seccomp-profile",
    "pss-apparmor-profile",
    "pss-selinux-options",
    "pss-proc-mount-default",
    "pss-safe-sysctls",
    "pss-no-host-path",
    "pss-host-path-read-only",
    "pss-no-host-ports",
    "pss-allowed-volume-types",
    "pss-no-host-probes",
    "container-read-only-root-filesystem",
    "container-resources",
    "container-ephemeral-storage",
    "container-empty-dir-size-limit",
    "container-high-uid-gid",
    "image-no-latest-tag",
    "image-allowed-registry",
    "sa-not-default",
    "secrets-no-literal-env",
    "secrets-mounted-as-files",
    "network-no-external-service-types",
    "network-no-external-ips",
    "network-no-config-injection-annotations",
    "edge-no-ingress",
    "rbac-no-wildcards",
    "rbac-no-pod-exec-attach",
    "rbac-no-secret-read",
    "rbac-no-escalate-bind-impersonate",
    "rbac-no-token-requests",
    "rbac-no-broad-role-binding",
    "rbac-no-public-subjects",
];
const podBearing = [
    "pods",
    "podtemplates",
    "replicationcontrollers",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
];

const registered = recordResources();
let resources: Registered[] = [];
// A stack that renames its namespaces: the bindings must follow the stack file, not the defaults.
const renamed = { services: "shop", observability: "shop-observability", logging: "shop-logging" };
const local = parsePlatformConfig("local", { ...readStackConfig("local"), namespaces: renamed }, catalog);
const prod = parsePlatformConfig(
    "prod",
    { ...readStackConfig("prod"), images: { ...(readStackConfig("prod").images as Obj), digests: pipelineDigests(catalog) } },
    catalog,
);

const admissionOf = (prefix: string) => (r: Registered) => r.name.startsWith(`${prefix}-`);
const policies = (prefix = "admission") =>
    ofType(resources, policyType)
        .filter(admissionOf(prefix))
        .map((r) => r.inputs);
const bindings = (prefix = "admission") =>
    ofType(resources, bindingType)
        .filter(admissionOf(prefix))
        .map((r) => r.inputs);
const policy = (rule: string, prefix = "admission"): Obj => {
    const found = policies(prefix).find((p) => text(p.metadata.name) === `azora-${rule}`);
    if (!found) throw new Error(`no policy azora-${rule}`);
    return found;
};
const violations = (p: Obj) => text(list(p.spec.variables).find((v) => text(v.name) === "violations")?.expression);

beforeAll(async () => {
    new Platform("platform", { settings: local, services: catalog });
    new Admission("every", {
        namespaces: ["azora"],
        environment: "unit",
        facts: { allowedRegistries: ["ghcr.io/azora-os"], hostPathNamespaces: [], requireDigest: false },
        rules: ["pss-no-privileged", "image-allowed-registry"],
        validationActions: ["Warn"],
    });
    new Admission("prod", {
        namespaces: ["azora"],
        environment: "prod",
        facts: { allowedRegistries: ["ghcr.io/azora-os"], hostPathNamespaces: [], requireDigest: prod.images.requireDigest },
    });
    await settle(registered);
    resources = [...registered];
    // The whole Platform under mocks: about 4 s alone, several times that on a loaded machine.
}, 60_000);

describe("admission policies", () => {
    it("enforces every CEL-expressible rule of the pack, one policy each, named azora-<rule>", () => {
        expect(
            policies()
                .map((p) => text(p.metadata.name))
                .sort(),
        ).toEqual(enforced.map((r) => `azora-${r}`).sort());
    });

    it("binds each policy once, under its own name", () => {
        const bound = bindings().map((b) => [text(b.metadata.name), text(b.spec.policyName)]);
        expect(bound.sort()).toEqual(enforced.map((r) => [`azora-${r}`, `azora-${r}`]).sort());
    });

    it("scopes every binding to the stack's three namespaces, by their kubernetes.io/metadata.name", () => {
        for (const b of bindings()) {
            expect(b.spec.matchResources.namespaceSelector, text(b.metadata.name)).toEqual({
                matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: Object.values(renamed) }],
            });
        }
    });

    it("refuses a violating request and records it in the audit log", () => {
        for (const b of bindings()) expect(strings(b.spec.validationActions), text(b.metadata.name)).toEqual(["Deny", "Audit"]);
    });

    it("fails closed: a rule that cannot be evaluated refuses", () => {
        for (const p of policies()) expect(p.spec.failurePolicy, text(p.metadata.name)).toBe("Fail");
    });

    it("starts every refusal with the rule's name, also when the message expression fails", () => {
        for (const rule of enforced) {
            const [validation] = list(policy(rule).spec.validations);
            expect(text(validation.messageExpression)).toMatch(new RegExp(`^"azora-${rule}: " \\+ object\\.kind`));
            expect(text(validation.message)).toMatch(new RegExp(`^azora-${rule}: `));
            expect(text(validation.expression)).toBe("variables.violations.size() == 0");
        }
    });

    it("checks pods and every pod-bearing kind at the object, namespaced, on create and update", () => {
        const podRules = enforced.filter((r) => /^(pss|container|image|sa|secrets)-/.test(r));
        for (const rule of podRules) {
            const rules = list(policy(rule).spec.matchConstraints.resourceRules);
            expect(
                rules.flatMap((r) => strings(r.resources)),
                rule,
            ).toEqual(expect.arrayContaining(podBearing));
            for (const r of rules) {
                expect(r.scope, rule).toBe("Namespaced");
                expect(strings(r.operations), rule).toEqual(["CREATE", "UPDATE"]);
            }
        }
    });

    it("reads the pod spec where each kind keeps it, and every container list", () => {
        const vars = new Map(list(policy("pss-no-privileged").spec.variables).map((v) => [text(v.name), text(v.expression)]));
        expect(vars.get("template")).toContain("object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template");
        expect(vars.get("template")).toContain("object.kind == 'PodTemplate' ? object.template");
        expect(vars.get("workloadContainers")).toContain("initContainers");
        expect(vars.get("containers")).toContain("ephemeralContainers");
    });

    it("lets only the log shipper's namespace mount host paths", () => {
        expect(violations(policy("pss-no-host-path"))).toMatch(/^request\.namespace in \["shop-logging"\] \? \[\] : /);
    });

    it("allows images only from the registries the platform's own images come from", () => {
        const [, allowed] = /^variables\.containers\.filter\(c, !(\[[^\]]*\])\.exists\(r, /.exec(
            violations(policy("image-allowed-registry")),
        )!;
        const own = [
            "ghcr.io/azora-os",
            "docker.io/library",
            ...Object.values(images).map((i) => i.repository.replace(/\/[^/]+$/, "")),
        ];
        expect(JSON.parse(allowed)).toEqual([...new Set(own)].sort());
    });

    it("binds only the rules a caller names, with the actions it asks for", () => {
        expect(
            policies("every")
                .map((p) => text(p.metadata.name))
                .sort(),
        ).toEqual(["azora-image-allowed-registry", "azora-pss-no-privileged"]);
        for (const b of bindings("every")) expect(strings(b.spec.validationActions)).toEqual(["Warn"]);
    });

    it("requires digests in the cluster only where the stack requires them", () => {
        expect(policies().map((p) => text(p.metadata.name))).not.toContain("azora-image-digest-pinned");
        expect(violations(policy("image-digest-pinned", "prod"))).toContain("@sha256:[0-9a-f]{64}$");
    });

    it("refuses a rule name it does not know", () => {
        expect(
            () =>
                new Admission("typo", {
                    namespaces: ["azora"],
                    environment: "unit",
                    facts: { allowedRegistries: [], hostPathNamespaces: [], requireDigest: false },
                    rules: ["pss-no-privilegd"],
                }),
        ).toThrow(/unknown rule\(s\) pss-no-privilegd; known: .*pss-no-privileged/);
    });
});
