// Image references: pinned tag (and digest where required) from config, or built from source
// with the repo's hardened Dockerfile and deployed by digest.
import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ImageSettings } from "../config";

export interface ResolvedImage {
    /** What the Deployment runs. */
    reference: pulumi.Output<string>;
    /** Human release identifier (tag), for labels. */
    version: string;
}

/** registry/name:tag, with @digest when one is known. A digest wins over the tag at pull time. */
export function imageReference(registry: string, name: string, tag: string, digest?: string): string {
    return `${registry}/${name}:${tag}${digest ? `@${digest}` : ""}`;
}

/** The hardened multi-stage Dockerfile every service is built with. */
const serviceDockerfile = path.join(__dirname, "service.Dockerfile");

interface ServiceImageArgs {
    service: string;
    settings: ImageSettings;
    tag: string;
}

/** Builds a service image from its source directory and exposes the pushed digest. */
class ServiceImage extends pulumi.ComponentResource {
    readonly reference: pulumi.Output<string>;

    constructor(name: string, args: ServiceImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:images:ServiceImage", name, {}, opts);
        const build = args.settings.build;
        if (!build?.enabled) throw new Error(`images.build.enabled is false; ${args.service} has nothing to build`);
        const image = new docker.Image(
            name,
            {
                imageName: `${args.settings.registry}/${args.service}:${args.tag}`,
                build: {
                    context: path.join(build.sourceRoot, args.service),
                    dockerfile: serviceDockerfile,
                    platform: "linux/amd64",
                    args: { SERVICE_NAME: args.service },
                },
                skipPush: !build.push,
            },
            { parent: this, aliases: [{ name: args.service }] },
        );
        // repoDigest is registry/name@sha256:…; deploying by it makes the rollout exactly repeatable.
        this.reference = build.push ? image.repoDigest : image.imageName;
        this.registerOutputs({ reference: this.reference });
    }
}

export function resolveImage(
    service: string,
    settings: ImageSettings,
    tagOverride: string | undefined,
    opts: pulumi.ComponentResourceOptions,
): ResolvedImage {
    const tag = tagOverride ?? settings.tag;
    if (settings.build?.enabled) {
        return { reference: new ServiceImage(`${service}-image`, { service, settings, tag }, opts).reference, version: tag };
    }
    const digest = settings.digests[service];
    if (settings.requireDigest && !digest) {
        throw new Error(`images.digests.${service}: a digest is required (images.requireDigest is true)`);
    }
    return { reference: pulumi.output(imageReference(settings.registry, service, tag, digest)), version: tag };
}
