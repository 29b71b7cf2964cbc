// Container image references: `[registry/]repository[:tag][@digest]`.

export interface ImageReference {
    /** Registry host, normalised (`docker.io` for Docker Hub and its aliases). */
    readonly registry: string;
    /** Repository path without registry (`library/nginx` for the Docker Hub short form). */
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

export const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseImage(image: string): ImageReference {
    let rest = image.trim();
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    let tag: string | undefined;
    const lastSlash = rest.lastIndexOf("/");
    const lastColon = rest.lastIndexOf(":");
    if (lastColon > lastSlash) {
        tag = rest.slice(lastColon + 1);
        rest = rest.slice(0, lastColon);
    }
    const parts = rest.split("/");
    let registry = "docker.io";
    if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
        registry = parts.shift() as string;
    }
    registry = registry.toLowerCase();
    if (DOCKER_HUB_ALIASES.has(registry)) {
        registry = "docker.io";
    }
    if (registry === "docker.io" && parts.length === 1) {
        parts.unshift("library");
    }
    return { registry, repository: parts.join("/"), tag: tag === "" ? undefined : tag, digest };
}

/** `docker.io/grafana/loki` — the fully-qualified repository an allowed-registry prefix is matched against. */
function qualifiedRepository(ref: ImageReference): string {
    return `${ref.registry}/${ref.repository}`;
}

/**
 * Whether the image's repository lies under one of the allowed prefixes. A prefix is a registry
 * host (`ghcr.io`) or a registry plus namespace (`ghcr.io/azora-os`); it matches whole path
 * segments only, so `ghcr.io/azora-os` does not allow `ghcr.io/azora-os-evil/x`. Docker Hub
 * aliases in prefixes are normalised like images are.
 */
export function registryAllowed(ref: ImageReference, allowed: readonly string[]): boolean {
    const repo = qualifiedRepository(ref);
    return allowed.some((raw) => {
        const prefix = normalisePrefix(raw);
        return prefix !== "" && (repo === prefix || repo.startsWith(`${prefix}/`));
    });
}

function normalisePrefix(raw: string): string {
    const trimmed = raw.trim().replace(/\/+$/, "");
    const [host, ...rest] = trimmed.split("/");
    const h = DOCKER_HUB_ALIASES.has(host.toLowerCase()) ? "docker.io" : host.toLowerCase();
    return [h, ...rest].join("/");
}
