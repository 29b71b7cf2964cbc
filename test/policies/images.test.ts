import { describe, expect, it } from "vitest";

import { parseImage, registryAllowed } from "../../policies/lib/image";
import { allowedRegistry, digestPinned, noLatestTag } from "../../policies/rules/images";
import { container, deployment, DIGEST, workload, WORKLOAD_KINDS } from "./fixtures";
import { loadConfigFile, PolicyConfigFile, problems } from "./harness";

const ALLOWED: PolicyConfigFile = { "image-allowed-registry": { allowedRegistries: ["ghcr.io/azora-os", "docker.io/grafana"] } };
const withImage = (image: string | undefined) => deployment("api-gateway", { container: { image } });

describe("image-no-latest-tag", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(noLatestTag, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports an image without a tag", async () => {
        expect(await problems(noLatestTag, withImage("ghcr.io/azora-os/api-gateway"))).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image ghcr.io/azora-os/api-gateway has no tag.',
        ]);
    });

    it("reports an image pinned only by digest, which names no tag", async () => {
        expect(await problems(noLatestTag, withImage(`ghcr.io/azora-os/api-gateway@${DIGEST}`))).toEqual([
            `Deployment azora/api-gateway: container "api-gateway" image ghcr.io/azora-os/api-gateway@${DIGEST} has no tag.`,
        ]);
    });

    it("reports the latest tag", async () => {
        expect(await problems(noLatestTag, withImage("ghcr.io/azora-os/api-gateway:latest"))).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image ghcr.io/azora-os/api-gateway:latest uses the latest tag.',
        ]);
    });

    it("reports a container without an image", async () => {
        expect(await problems(noLatestTag, withImage(undefined))).toEqual(['Deployment azora/api-gateway: container "api-gateway" has no image.']);
    });

    it("does not mistake a registry port for a tag", async () => {
        expect(await problems(noLatestTag, withImage("registry.local:5000/azora/api-gateway"))).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image registry.local:5000/azora/api-gateway has no tag.',
        ]);
    });

    it("checks initContainers too", async () => {
        const d = deployment("api-gateway", { pod: { initContainers: [container("migrate", { image: "ghcr.io/azora-os/migrate:latest" })] } });
        expect(await problems(noLatestTag, d)).toEqual([
            'Deployment azora/api-gateway: initContainer "migrate" image ghcr.io/azora-os/migrate:latest uses the latest tag.',
        ]);
    });
});

describe("image-allowed-registry", () => {
    it("passes an image from an allowed registry namespace", async () => {
        expect(await problems(allowedRegistry, withImage("ghcr.io/azora-os/api-gateway:1.4.2"), ALLOWED)).toEqual([]);
    });

    it("treats a Docker Hub short name as docker.io", async () => {
        expect(await problems(allowedRegistry, withImage("grafana/loki:3.5.3"), ALLOWED)).toEqual([]);
    });

    it("reports an image from a registry that is not allowed", async () => {
        expect(await problems(allowedRegistry, withImage("evil.example/azora-os/api-gateway:1.4.2"), ALLOWED)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image evil.example/azora-os/api-gateway:1.4.2 is not from an allowed registry (ghcr.io/azora-os, docker.io/grafana).',
        ]);
    });

    it("matches allowed prefixes on whole path segments only", async () => {
        expect(await problems(allowedRegistry, withImage("ghcr.io/azora-os-evil/api-gateway:1.4.2"), ALLOWED)).toHaveLength(1);
    });

    it("reports a Docker Hub library image when only some Docker Hub namespaces are allowed", async () => {
        expect(await problems(allowedRegistry, withImage("nginx:1.27"), ALLOWED)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image nginx:1.27 is not from an allowed registry (ghcr.io/azora-os, docker.io/grafana).',
        ]);
    });

    it("allows nothing when no registries are configured", async () => {
        expect(await problems(allowedRegistry, withImage("ghcr.io/azora-os/api-gateway:1.4.2"))).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image ghcr.io/azora-os/api-gateway:1.4.2 cannot be checked: allowedRegistries is empty, so no registry is allowed.',
        ]);
    });

    it("allows every upstream image the observability stack pins, under each environment's config", async () => {
        const upstream = [
            "quay.io/prometheus/prometheus:v3.5.0",
            "quay.io/prometheus/alertmanager:v0.28.1",
            "docker.io/grafana/grafana:12.1.1",
            "docker.io/grafana/loki:3.5.3",
            "docker.io/grafana/alloy:v1.10.2",
            "docker.io/jaegertracing/jaeger:2.21.0",
            "docker.io/otel/opentelemetry-collector-contrib:0.148.0",
            "quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0",
        ];
        for (const env of ["local", "dev", "staging", "prod"] as const) {
            for (const image of upstream) {
                expect(await problems(allowedRegistry, withImage(image), loadConfigFile(env))).toEqual([]);
            }
        }
    });
});

describe("image-digest-pinned", () => {
    const REQUIRE: PolicyConfigFile = { "image-digest-pinned": { requireDigest: true } };

    it("does not require digests by default", async () => {
        expect(await problems(digestPinned, withImage("ghcr.io/azora-os/api-gateway:1.4.2"))).toEqual([]);
    });

    it("passes a digest-pinned image when digests are required", async () => {
        expect(await problems(digestPinned, withImage(`ghcr.io/azora-os/api-gateway:1.4.2@${DIGEST}`), REQUIRE)).toEqual([]);
    });

    it("reports a tag-only image when digests are required", async () => {
        expect(await problems(digestPinned, withImage("ghcr.io/azora-os/api-gateway:1.4.2"), REQUIRE)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image ghcr.io/azora-os/api-gateway:1.4.2 is not pinned by digest.',
        ]);
    });

    it("reports a malformed digest", async () => {
        expect(await problems(digestPinned, withImage("ghcr.io/azora-os/api-gateway:1.4.2@sha256:abc"), REQUIRE)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" image ghcr.io/azora-os/api-gateway:1.4.2@sha256:abc has a malformed digest; expected sha256 and 64 hex digits.',
        ]);
    });

    it("requires digests in prod and nowhere else", async () => {
        const tagOnly = withImage("ghcr.io/azora-os/api-gateway:1.4.2");
        expect(await problems(digestPinned, tagOnly, loadConfigFile("prod"))).toHaveLength(1);
        for (const env of ["local", "dev", "staging"] as const) {
            expect(await problems(digestPinned, tagOnly, loadConfigFile(env))).toEqual([]);
        }
    });
});

describe("image references", () => {
    it("splits registry, repository, tag and digest", () => {
        expect(parseImage(`ghcr.io/azora-os/api-gateway:1.4.2@${DIGEST}`)).toEqual({
            registry: "ghcr.io",
            repository: "azora-os/api-gateway",
            tag: "1.4.2",
            digest: DIGEST,
        });
    });

    it("expands a Docker Hub official image to docker.io/library", () => {
        expect(parseImage("nginx")).toEqual({ registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined });
    });

    it("normalises Docker Hub aliases in images and prefixes", () => {
        expect(registryAllowed(parseImage("index.docker.io/grafana/loki:3"), ["registry-1.docker.io/grafana"])).toBe(true);
    });
});
