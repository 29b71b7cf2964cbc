// What the edge exports and where Prometheus finds it: Envoy Gateway's proxies (Envoy's own stats on the
// proxy pods' metrics port) and cert-manager's controller. The scrape configuration, the edge alerts and
// the edge dashboard all read these names, so the three always agree.

/** The Envoy proxies Envoy Gateway runs for a Gateway, in the edge's proxy namespace. */
export const envoyProxyScrape = {
    job: "envoy-gateway-proxy",
    /** Envoy Gateway's proxy pods serve `/stats/prometheus` on this container port (EnvoyProxy telemetry.metrics.prometheus). */
    port: 19001,
    path: "/stats/prometheus",
    /** Labels Envoy Gateway puts on the proxy pods of a Gateway: they select the platform Gateway's proxies only. */
    owningGatewayNameLabel: "gateway.envoyproxy.io/owning-gateway-name",
    owningGatewayNamespaceLabel: "gateway.envoyproxy.io/owning-gateway-namespace",
} as const;

/** Where cert-manager runs: the namespace its chart is installed in (edge.installController) and the e2e cluster's. */
export const certManagerNamespace = "cert-manager";

/** cert-manager's controller: certificate state and expiry, on its metrics port. */
export const certManagerScrape = {
    job: "cert-manager",
    port: 9402,
    path: "/metrics",
    /** The chart's label on the controller pod (not the webhook's nor the cainjector's). */
    componentLabel: "app.kubernetes.io/component",
    component: "controller",
} as const;

/** Envoy's stats, as Envoy Gateway's proxies export them. */
export const envoy = {
    /** 1 while the proxy serves. */
    serverLive: "envoy_server_live",
    /** Responses to clients per listener (`envoy_http_conn_manager_prefix`) and class (`envoy_response_code_class`). */
    downstreamResponses: "envoy_http_downstream_rq_xx",
    downstreamRequests: "envoy_http_downstream_rq_total",
    downstreamActiveConnections: "envoy_http_downstream_cx_active",
    /** Requests sent to a route backend (relabelled to `route`, as the responses): what reaches the services. */
    upstreamRequests: "envoy_cluster_upstream_rq_total",
    /** Responses per route backend (`envoy_cluster_name` httproute/<ns>/<route>/rule/<n>, relabelled to `route`). */
    upstreamResponses: "envoy_cluster_upstream_rq_xx",
    /** Upstream request time in milliseconds, per route backend. */
    upstreamTimeBucket: "envoy_cluster_upstream_rq_time_bucket",
    /** Requests refused with 429 by the local rate-limit rules (BackendTrafficPolicy). */
    rateLimited: "envoy_http_local_rate_limit_rate_limited",
    /** Requests refused with 403 by the IP allow and deny lists (SecurityPolicy authorization). */
    rbacDenied: "envoy_http_rbac_denied",
} as const;

/** Labels of Envoy's HTTP stats. */
export const envoyLabels = {
    /** The listener's HTTP connection manager, on the client-facing `envoy_http_downstream_*` series. */
    listener: "envoy_http_conn_manager_prefix",
    /** A response's status class, "1" to "5", on the `_rq_xx` series. */
    responseCodeClass: "envoy_response_code_class",
} as const;

/** Envoy Gateway's own listeners (admin, readiness, stats): never client traffic, left out of every edge figure. */
export const envoyInternalListenersRe = "admin|eg-ready-http|eg-stats-http";

/** The label the scrape adds from `envoy_cluster_name`: the HTTPRoute a backend cluster serves. */
export const edgeRouteLabel = "route";

/** cert-manager's certificate metrics (labels `name`, `namespace`; ready status also `condition`). */
export const certManager = {
    expirationTimestamp: "certmanager_certificate_expiration_timestamp_seconds",
    readyStatus: "certmanager_certificate_ready_status",
} as const;

/** The labels of cert-manager's certificate metrics: the Certificate, and (ready status) the Ready condition's status. */
export const certManagerLabels = {
    name: "name",
    namespace: "namespace",
    /** "True", "False" or "Unknown": one series each, the current one at 1. */
    condition: "condition",
} as const;

/**
 * Where the edge turns from normal to alarming: the edge alerts fire on these shares and days (alerts/edge/),
 * and the edge dashboard turns red at the same values.
 */
export const edgeThresholds = {
    /** 5xx share of the clients' requests (EdgeHighErrorRate). */
    serverErrorRatio: 0.05,
    /** Share of the clients' requests refused by the rate limits (429) or the IP lists (403): the surge alerts. */
    refusedRatio: 0.1,
    /** Days left before a certificate expires: warning (cert-manager renews a 90-day certificate 30 days before the end). */
    expiryWarningDays: 21,
    /** Days left before a certificate expires: critical. */
    expiryCriticalDays: 7,
} as const;
