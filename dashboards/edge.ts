// The public edge: the platform Gateway's Envoy proxies (Envoy Gateway) and the certificates
// cert-manager issues for them. Traffic per route, 4xx/5xx per route and towards clients, the
// requests the edge refuses on its own (rate limits and IP lists: the automatic blocking the abuse
// alerts report), upstream latency per route, and the certificates' expiry and Ready state. The jobs,
// metric and label names are model/edge-metrics.ts's, which the scrape and the edge alerts read too.

import type { AlertName } from "../model/alerts";
import { durationSeconds } from "../model/durations";
import {
    certManager,
    certManagerLabels,
    certManagerScrape,
    edgeRouteLabel,
    edgeThresholds,
    envoy,
    envoyInternalListenersRe,
    envoyLabels,
    envoyProxyScrape,
} from "../model/edge-metrics";
import { by, type MatcherValue, num, selector } from "../model/promql";
import { assemble, promql, queryVariable, statPanel, tablePanel, timeseriesPanel } from "./panels";
import { RATE } from "./promql";
import { units, type dashboard } from "./sdk";

type Matchers = Record<string, MatcherValue>;

const ROUTE_VARIABLE = "route";

/** A series of the platform Gateway's proxies. */
function proxy(metric: string, m: Matchers = {}): string {
    return selector(metric, { job: envoyProxyScrape.job, ...m });
}

/** A client-facing series: the Gateway's listeners, not Envoy Gateway's admin, readiness and stats ones. */
function client(metric: string, m: Matchers = {}): string {
    return proxy(metric, { [envoyLabels.listener]: { notRe: envoyInternalListenersRe }, ...m });
}

/** A per-route series (route backends only) of the routes the route variable selects. */
function route(metric: string, m: Matchers = {}): string {
    return proxy(metric, { [edgeRouteLabel]: { re: `$${ROUTE_VARIABLE}` }, ...m });
}

/** A cert-manager certificate series. */
function certificate(metric: string, m: Matchers = {}): string {
    return selector(metric, { job: certManagerScrape.job, ...m });
}

const responseClass = (c: string): Matchers => ({ [envoyLabels.responseCodeClass]: c });

const byRoute = by([edgeRouteLabel]);
const byListener = by([envoyLabels.listener]);
const byCertificate = by([certManagerLabels.namespace, certManagerLabels.name]);
const byCondition = by([certManagerLabels.namespace, certManagerLabels.name, certManagerLabels.condition]);
const routeLegend = `{{${edgeRouteLabel}}}`;
const listenerLegend = `{{${envoyLabels.listener}}}`;
const certificateLegend = `{{${certManagerLabels.namespace}}}/{{${certManagerLabels.name}}}`;

const clientRequests = `sum(rate(${client(envoy.downstreamRequests)}[${RATE}]))`;
const routeRequests = `sum ${byRoute} (rate(${route(envoy.upstreamRequests)}[${RATE}]))`;

/** Share of the clients' requests answered with status class `c`. */
const clientShare = (c: string) => `sum(rate(${client(envoy.downstreamResponses, responseClass(c))}[${RATE}])) / ${clientRequests}`;
/** Share of each route's backend requests answered with status class `c`. */
const routeShare = (c: string) => `sum ${byRoute} (rate(${route(envoy.upstreamResponses, responseClass(c))}[${RATE}])) / ${routeRequests}`;

/** The panels turn red where the edge alerts fire. */
const { serverErrorRatio, refusedRatio, expiryWarningDays: expiryDays } = edgeThresholds;

/** The edge's own refusals: they block clients automatically; the alerts tell a human that blocking has started. */
const refusals: readonly { title: string; status: string; metric: string; by: string; alert: AlertName }[] = [
    {
        title: "Rate-limited",
        status: "429",
        metric: envoy.rateLimited,
        by: "the local rate limits (BackendTrafficPolicy)",
        alert: "EdgeRateLimitedSurge",
    },
    {
        title: "Denied",
        status: "403",
        metric: envoy.rbacDenied,
        by: "the IP allow and deny lists (SecurityPolicy)",
        alert: "EdgeDeniedSurge",
    },
];

const quantiles = [0.5, 0.95, 0.99] as const;

export function edgeOverview(): dashboard.Dashboard {
    const traffic = [
        statPanel({
            title: "Proxies live",
            description: "Envoy proxies of the platform Gateway that report they serve (envoy_server_live); 0 means the edge is down.",
            queries: [promql(`sum(${proxy(envoy.serverLive)}) or vector(0)`)],
            unit: units.Short,
            threshold: 1,
            lowerIsWorse: true,
            height: 8,
        }),
        timeseriesPanel({
            title: "Requests by route",
            description: "Requests per second the proxies send to each HTTPRoute's backends (what the edge did not refuse itself).",
            queries: [promql(routeRequests, routeLegend)],
            unit: units.RequestsPerSecond,
            min: 0,
            width: 10,
        }),
        timeseriesPanel({
            title: "Active client connections",
            description: "Open client connections per Gateway listener, all proxies together.",
            queries: [promql(`sum ${byListener} (${client(envoy.downstreamActiveConnections)})`, listenerLegend)],
            unit: units.Short,
            min: 0,
            width: 10,
        }),
    ];

    const errors = [
        timeseriesPanel({
            title: "Client responses by class",
            description: "Responses per second to the clients, per status class, the edge's own refusals included.",
            queries: [
                promql(
                    `sum ${by([envoyLabels.responseCodeClass])} (rate(${client(envoy.downstreamResponses)}[${RATE}]))`,
                    `{{${envoyLabels.responseCodeClass}}}xx`,
                ),
            ],
            unit: units.RequestsPerSecond,
            min: 0,
            width: 6,
        }),
        timeseriesPanel({
            title: "Client error ratio (4xx / 5xx)",
            description:
                "Share of the clients' requests answered with 4xx (rate limits and IP lists included) and with 5xx " +
                "(backends failing, or none healthy). The 5xx share is what EdgeHighErrorRate fires on.",
            queries: [promql(clientShare("4"), "4xx"), promql(clientShare("5"), "5xx")],
            unit: units.PercentUnit,
            min: 0,
            threshold: serverErrorRatio,
            width: 6,
        }),
        timeseriesPanel({
            title: "4xx ratio by route",
            description: "Share of each route's backend requests answered with 4xx.",
            queries: [promql(routeShare("4"), routeLegend)],
            unit: units.PercentUnit,
            min: 0,
            width: 6,
        }),
        timeseriesPanel({
            title: "5xx ratio by route",
            description: "Share of each route's backend requests answered with 5xx.",
            queries: [promql(routeShare("5"), routeLegend)],
            unit: units.PercentUnit,
            min: 0,
            threshold: serverErrorRatio,
            width: 6,
        }),
    ];

    const abuse = refusals.flatMap((r) => {
        const refused = `sum(rate(${proxy(r.metric)}[${RATE}]))`;
        return [
            timeseriesPanel({
                title: `${r.title} requests (${r.status})`,
                description: `Requests per second refused with ${r.status} by ${r.by}.`,
                queries: [promql(refused, r.status)],
                unit: units.RequestsPerSecond,
                min: 0,
                width: 6,
            }),
            timeseriesPanel({
                title: `${r.title} share of client requests`,
                description: `Share of the clients' requests refused with ${r.status} by ${r.by}: what ${r.alert} fires on.`,
                queries: [promql(`${refused} / ${clientRequests}`, r.status)],
                unit: units.PercentUnit,
                min: 0,
                threshold: refusedRatio,
                width: 6,
            }),
        ];
    });

    const latency = quantiles.map((q) =>
        timeseriesPanel({
            title: `Upstream p${num(q * 100)} by route`,
            description: `${num(q * 100)}th percentile of the time each route's backends take to answer the proxies.`,
            queries: [
                promql(
                    `histogram_quantile(${num(q)}, sum ${by([edgeRouteLabel, "le"])} (rate(${route(envoy.upstreamTimeBucket)}[${RATE}])))`,
                    routeLegend,
                ),
            ],
            unit: units.Milliseconds,
            min: 0,
        }),
    );

    const certificates = [
        statPanel({
            title: "Days to expiry",
            description:
                `Days before each certificate cert-manager manages expires; red at ${expiryDays} days or fewer, when its renewal ` +
                "has been failing for over a week (what CertificateExpiresSoon fires on).",
            queries: [
                promql(
                    `(min ${byCertificate} (${certificate(certManager.expirationTimestamp)}) - time()) / ${num(durationSeconds("1d"))}`,
                    certificateLegend,
                    { instant: true },
                ),
            ],
            unit: units.Days,
            decimals: 1,
            threshold: expiryDays,
            lowerIsWorse: true,
            width: 12,
            height: 6,
        }),
        statPanel({
            title: "Certificates not Ready",
            description: "Certificates whose Ready condition is False (CertificateNotReady fires when it lasts).",
            queries: [
                promql(
                    `count(${certificate(certManager.readyStatus, { [certManagerLabels.condition]: "False" })} == 1) or vector(0)`,
                ),
            ],
            unit: units.Short,
            threshold: 1,
            height: 6,
        }),
        tablePanel({
            title: "Certificate Ready state",
            description: "The current status (True, False or Unknown) of each certificate's Ready condition.",
            queries: [promql(`max ${byCondition} (${certificate(certManager.readyStatus)} == 1)`, undefined, { instant: true, table: true })],
            hideColumns: ["Time", "Value"],
            width: 8,
            height: 6,
        }),
    ];

    return assemble({
        id: "edge",
        description:
            "The public edge: the Gateway's Envoy proxies (traffic, errors, rate-limited and denied requests, upstream latency per route) and its certificates.",
        refresh: "1m",
        from: "now-6h",
        variables: [
            queryVariable({
                name: ROUTE_VARIABLE,
                label: "Route",
                description: "HTTPRoutes of the per-route panels (their backend clusters' route).",
                selector: proxy(envoy.upstreamRequests),
                labelName: edgeRouteLabel,
                all: { allValue: ".+" },
            }),
        ],
        sections: [
            { title: "Traffic", panels: traffic },
            { title: "Errors", panels: errors },
            { title: "Abuse signals (rate-limited and denied)", panels: abuse },
            { title: "Upstream latency", panels: latency },
            { title: "Certificates", panels: certificates },
        ],
    });
}
