import { beforeAll, describe, expect, it } from "vitest";
import { array, isSecret, named, type Obj, ofType, promiseOf, recordResources, type Registered, reveal, settle, strings } from "./harness";
import { catalog, findService } from "../../model/catalog";
import { parsePlatformConfig } from "../../components/config";
import { imageReference, resolveImage } from "../../components/services/image";
import { AzoraNamespace } from "../../components/namespace";
import { ServiceSecrets } from "../../components/services/service-secrets";
import { pipelineDigests, readStackConfig } from "./stack-files";

const registered = recordResources();
let resources: Registered[] = [];
const local = parsePlatformConfig("local", readStackConfig("local"), catalog);


beforeAll(async () => {
    new AzoraNamespace("azora", { name: "azora", environment: "local", purpose: "services", quota: local.namespaces.quota, access: local.access });
    new AzoraNamespace("azora-logging", {
        name: "azora-logging",
        environment: "local",
        purpose: "logging",
        quota: local.namespaces.quota,
        access: { deployerGroups: [], viewerGroups: [] },
        podSecurity: { enforce: "privileged", reason: "log shipper hostPath" },
    });
    const pay = findService(catalog, "azora-pay");
    new ServiceSecrets("pay-rotation-0", { spec: pay, namespace: "azora", labels: {}, rotation: 0, externalValues: {} });
    new ServiceSecrets("pay-rotation-3", {
        spec: { ...pay, name: "azora-pay-r3" },
        namespace: "azora",
        labels: {},
        rotation: 3,
        externalValues: { PAYMENT_PROVIDER_API_KEY: "from-config" },
    });
    await settle(registered);
    resources = [...registered];
});

describe("namespaces", () => {
    it("enforce Pod Security restricted by default", () => {
        const ns = named(resources, "kubernetes:core/v1:Namespace", "azora").inputs;
        for (const mode of ["enforce", "audit", "warn"]) {
            expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe("restricted");
        }
    });

    it("relax enforcement only when asked, keeping audit and warn at restricted and recording why", () => {
        const ns = named(resources, "kubernetes:core/v1:Namespace", "azora-logging").inputs;
        expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
        expect(ns.metadata.labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
        expect(ns.metadata.annotations["azora.io/pod-security-reason"]).toBe("log shipper hostPath");
    });

    it("deny all ingress and egress by default and allow only DNS", () => {
        const deny = named(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "azora-default-deny").inputs;
        expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        const dns = named(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "azora-allow-dns").inputs;
        expect(dns.spec.egress[0].ports).toEqual([{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
    });

    it("cap the namespace with a quota that forbids LoadBalancers and NodePorts", () => {
        const q = named(resources, "kubernetes:core/v1:ResourceQuota", "azora-quota").inputs;
        expect(q.spec.hard["services.loadbalancers"]).toBe("0");
        expect(q.spec.hard["services.nodeports"]).toBe("0");
    });

    it("cap ephemeral storage in the quota and default it in the LimitRange, so pods that set it are admitted", () => {
        const q = named(resources, "kubernetes:core/v1:ResourceQuota", "azora-quota").inputs;
        expect(q.spec.hard["requests.ephemeral-storage"]).toBe(local.namespaces.quota.requestsEphemeralStorage);
        expect(q.spec.hard["limits.ephemeral-storage"]).toBe(local.namespaces.quota.limitsEphemeralStorage);
        const [range] = array(named(resources, "kubernetes:core/v1:LimitRange", "azora-limits").inputs.spec.limits);
        expect(Object.keys(range.default)).toContain("ephemeral-storage");
        expect(Object.keys(range.defaultRequest)).toContain("ephemeral-storage");
    });

    it("give deployers rollouts but neither secrets nor exec, and viewers read-only access", () => {
        const roles = ofType(resources, "kubernetes:rbac.authorization.k8s.io/v1:Role").filter((r) => r.name.startsWith("azora-azora-"));
        for (const role of roles) {
            const rules = array(role.inputs.rules);
            const resourcesGranted = rules.flatMap((r) => strings(r.resources));
            expect(resourcesGranted).not.toContain("secrets");
            expect(resourcesGranted).not.toContain("pods/exec");
            expect(rules.flatMap((r) => strings(r.verbs))).not.toContain("*");
        }
        const viewer = named(resources, "kubernetes:rbac.authorization.k8s.io/v1:Role", "azora-azora-viewer").inputs;
        expect(new Set(array(viewer.rules).flatMap((r) => array(r.verbs)))).toEqual(new Set(["get", "list", "watch"]));
        expect(ofType(resources, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter((r) => r.name.startsWith("azora-logging-"))).toHaveLength(0);
    });
});

describe("secrets", () => {
    it("regenerate when the rotation epoch changes", () => {
        const keepers = (name: string): Obj => named(resources, "random:index/randomPassword:RandomPassword", name).inputs.keepers;
        expect(keepers("azora-pay-webhook_signing_secret")).toEqual({ rotation: "0" });
        expect(keepers("azora-pay-r3-webhook_signing_secret")).toEqual({ rotation: "3" });
    });

    it("own third-party credentials set in config, as a Pulumi secret", () => {
        const ext = named(resources, "kubernetes:core/v1:Secret", "azora-pay-r3-external").inputs;
        expect(isSecret(ext.stringData)).toBe(true);
        expect(reveal<Obj>(ext.stringData)).toEqual({ PAYMENT_PROVIDER_API_KEY: "from-config" });
        expect(ofType(resources, "kubernetes:core/v1:Secret").map((r) => r.name)).not.toContain("azora-pay-external");
    });
});

describe("images", () => {
    it("pins tag and digest when the pipeline set one", async () => {
        const settings = { ...local.images, digests: pipelineDigests(catalog) };
        const img = resolveImage("azora-pay", settings, undefined, {});
        expect(await promiseOf(img.reference)).toBe(
            imageReference("ghcr.io/azora-os", "azora-pay", "1.4.2", pipelineDigests(catalog)["azora-pay"]),
        );
        expect(await promiseOf(img.reference)).toMatch(/^ghcr\.io\/azora-os\/azora-pay:1\.4\.2@sha256:[a-f0-9]{64}$/);
    });

    it("refuses a service without digest when digests are required", () => {
        expect(() => resolveImage("azora-pay", { ...local.images, requireDigest: true }, undefined, {})).toThrow(
            "images.digests.azora-pay: a digest is required",
        );
    });

    it("builds from source with the hardened Dockerfile and deploys the pushed digest", async () => {
        const settings = { ...local.images, build: { enabled: true, sourceRoot: "/src/azora-os/services", push: true } };
        const img = resolveImage("azora-mint", settings, "1.5.0", {});
        await settle(registered);
        const built = named(registered, "docker:index/image:Image", "azora-mint-image").inputs;
        expect(built.imageName).toBe("ghcr.io/azora-os/azora-mint:1.5.0");
        expect(built.build.dockerfile).toMatch(/components\/services\/service\.Dockerfile$/);
        expect(built.build.context).toBe("/src/azora-os/services/azora-mint");
        expect(await promiseOf(img.reference)).toMatch(/^ghcr\.io\/azora-os\/azora-mint@sha256:/);
    });
});
