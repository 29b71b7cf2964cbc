// In-cluster addresses, written one way: a Service's DNS name, a URL or host:port on it, and the
// stable DNS name of a StatefulSet pod behind its governing (headless) Service.

/** The cluster's DNS suffix for Services. */
const serviceDomain = "svc.cluster.local";

/** `name.namespace.svc.cluster.local`. */
function serviceHost(name: string, namespace: string): string {
    return `${name}.${namespace}.${serviceDomain}`;
}

/** `name.namespace.svc.cluster.local:port`, for clients that take host:port (gRPC exporters). */
export function serviceAddress(name: string, namespace: string, port: number): string {
    return `${serviceHost(name, namespace)}:${port}`;
}

/** In-cluster URL of a Service port. */
export function serviceUrl(name: string, namespace: string, port: number, scheme = "http"): string {
    return `${scheme}://${serviceAddress(name, namespace, port)}`;
}

/** Stable DNS name of pod `ordinal` of StatefulSet `statefulSet`, through its governing Service. */
export function statefulPodHost(statefulSet: string, ordinal: number, governingService: string, namespace: string): string {
    return serviceHost(`${statefulSet}-${ordinal}.${governingService}`, namespace);
}
