// Image provenance: a real tag (never latest), an allowed registry, and a digest where config asks.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { DIGEST, parseImage, registryAllowed } from "../lib/image";
import { containersOf } from "../lib/k8s";
import { BaseConfig } from "../lib/policy";
import { podPolicy } from "./common";

export const noLatestTag = podPolicy({
    name: "image-no-latest-tag",
    group: "image",
    severity: "high",
    description: "Every container image names an explicit tag that is not latest.",
    remediation: "reference an immutable release tag (e.g. ghcr.io/azora-os/api-gateway:1.4.2), optionally pinned with @sha256:<digest>.",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            const image = c.container.image;
            if (typeof image !== "string" || image.trim() === "") {
                violation(`${c.label} has no image.`);
                continue;
            }
            const ref = parseImage(image);
            if (ref.tag === undefined) {
                violation(`${c.label} image ${image} has no tag.`);
            } else if (ref.tag.toLowerCase() === "latest") {
                violation(`${c.label} image ${image} uses the latest tag.`);
            }
        }
    },
});

export interface RegistryConfig extends BaseConfig {
    readonly allowedRegistries?: readonly string[];
}

export const allowedRegistry = podPolicy<RegistryConfig>({
    name: "image-allowed-registry",
    group: "image",
    severity: "high",
    description: "Every container image comes from a registry (or registry namespace) listed in allowedRegistries.",
    remediation:
        "pull the image from an allowed registry (mirror upstream images there), or add the registry to allowedRegistries in the policy config after review.",
    config: {
        allowedRegistries: {
            type: "array",
            items: { type: "string", minLength: 1 },
            description: "Registry hosts or host/namespace prefixes, e.g. ghcr.io/azora-os, docker.io/grafana. Empty allows nothing.",
        },
    },
    checkPod: ({ spec, config, violation }) => {
        const allowed = Array.isArray(config.allowedRegistries) ? config.allowedRegistries : [];
        for (const c of containersOf(spec)) {
            const image = c.container.image;
            if (typeof image !== "string" || image.trim() === "") {
                continue; // reported by image-no-latest-tag
            }
            const ref = parseImage(image);
            if (!registryAllowed(ref, allowed)) {
                violation(
                    allowed.length === 0
                        ? `${c.label} image ${image} cannot be checked: allowedRegistries is empty, so no registry is allowed.`
                        : `${c.label} image ${image} is not from an allowed registry (${allowed.join(", ")}).`,
                );
            }
        }
    },
});

export interface DigestConfig extends BaseConfig {
    readonly requireDigest?: boolean;
}

export const digestPinned = podPolicy<DigestConfig>({
    name: "image-digest-pinned",
    group: "image",
    severity: "medium",
    description: "When requireDigest is true, every container image is pinned by digest (@sha256:…).",
    remediation: "resolve the tag to its digest at build time and reference image:tag@sha256:<digest>.",
    config: {
        requireDigest: {
            type: "boolean",
            default: false,
            description: "Require @sha256 digests on every image (true in prod).",
        },
    },
    checkPod: ({ spec, config, violation }) => {
        if (config.requireDigest !== true) {
            return;
        }
        for (const c of containersOf(spec)) {
            const image = c.container.image;
            if (typeof image !== "string" || image.trim() === "") {
                continue; // reported by image-no-latest-tag
            }
            const ref = parseImage(image);
            if (ref.digest === undefined) {
                violation(`${c.label} image ${image} is not pinned by digest.`);
            } else if (!DIGEST.test(ref.digest)) {
                violation(`${c.label} image ${image} has a malformed digest; expected sha256 and 64 hex digits.`);
            }
        }
    },
});

export const imagePolicies: readonly ResourceValidationPolicy[] = [noLatestTag, allowedRegistry, digestPinned];
