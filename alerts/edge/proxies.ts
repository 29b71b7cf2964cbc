// The public edge's Envoy proxies (Envoy Gateway): gone, answering 5xx, and the abuse signals the seeds ask
// the edge to raise — a surge of clients held back by the rate limits, or refused by the IP deny list. The
// limits themselves block automatically; these alerts tell a human that blocking has started.
import type { AlertName, Duration } from "../../model/alerts";
import { publicService } from "../../model/catalog";
import { durationWords } from "../../model/durations";
import { defaultNamespaces } from "../../model/namespaces";
import { edgeRouteLabel, edgeThresholds, envoy, envoyInternalListenersRe, envoyProxyScrape } from "../../model/edge-metrics";
import { by, num, selector } from "../../model/promql";
import { forJob, hold, type Hold, type RuleBuilder } from "../core/builder";
import { formatPercent } from "../core/format";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { fromAlert, nsVar } from "../core/runbook-snippets";
import { jobDown } from "../core/scrape";
import type { Rule } from "../core/types";
import { rate, shareAbove } from "../services/common";

const job = envoyProxyScrape.job;

/** No proxy of the Gateway scraped: the edge is down, or its metrics are (either way every edge alert is blind). */
const proxyDown = { severity: "critical", for: "5m" } as const satisfies Hold;

/** A share of the clients' requests over `window` above `ratio`, while at least `minPerSecond` arrive. */
interface ShareHold extends Hold {
    window: Duration;
    ratio: number;
    minPerSecond: number;
}
/** 5xx answered to clients: the backends failing, or Envoy finding none healthy (503). */
const serverErrors = { window: "5m", ratio: edgeThresholds.serverErrorRatio, minPerSecond: 0.5, severity: "critical", for: "5m" } as const satisfies ShareHold;
/** 429s of the local rate limits: one client hammering, or limits set below the real traffic. */
const rateLimited = { window: "5m", ratio: edgeThresholds.refusedRatio, minPerSecond: 0.5, severity: "warning", for: "10m" } as const satisfies ShareHold;
/** 403s of the IP allow and deny lists: a denied range retrying, or an allow list that misses real clients. */
const denied = { window: "5m", ratio: edgeThresholds.refusedRatio, minPerSecond: 0.5, severity: "warning", for: "10m" } as const satisfies ShareHold;

/** Client traffic: the Gateway's listeners, not Envoy Gateway's admin, readiness and stats listeners. */
const clientListeners = { job, envoy_http_conn_manager_prefix: { notRe: envoyInternalListenersRe } };
const clientRequests = selector(envoy.downstreamRequests, clientListeners);

type Proxies = Extract<AlertName, "EdgeProxyDown" | "EdgeHighErrorRate" | "EdgeRateLimitedSurge" | "EdgeDeniedSurge">;

/** `bad` as a share of the clients' requests, above the hold's ratio while traffic is above its floor. */
function shareOfClientRequests(bad: string, t: ShareHold): string {
    return shareAbove({ bad, all: clientRequests, window: t.window }, t.ratio, `sum by (namespace, job) (${rate(clientRequests, t.window)}) > ${num(t.minPerSecond)}`);
}

const shareWords = (t: ShareHold): string =>
    `over ${durationWords(t.window)} (above ${formatPercent(t.ratio)} for ${durationWords(t.for)}, at ${num(t.minPerSecond)} requests/s or more)`;

/** The edge's own refusals: they block clients by themselves; a surge of either tells a human that blocking has started. */
const refusals: readonly { name: Proxies; metric: string; status: number; by: string; hold: ShareHold; causes: string }[] = [
    {
        name: "EdgeRateLimitedSurge",
        metric: envoy.rateLimited,
        status: 429,
        by: "rate limits",
        hold: rateLimited,
        causes: "the limits are blocking a client (abuse, a retry storm) or are set below the real traffic",
    },
    {
        name: "EdgeDeniedSurge",
        metric: envoy.rbacDenied,
        status: 403,
        by: "IP allow and deny lists",
        hold: denied,
        causes: "a denied range keeps retrying, or the allow list misses real clients",
    },
];

export function proxyRules(rb: RuleBuilder<Proxies>): Rule[] {
    return forJob(job, [
        rb.alert({
            name: "EdgeProxyDown",
            expr: jobDown(job),
            ...hold(proxyDown),
            summary: "No Envoy proxy of the public Gateway is scraped",
            description:
                `Prometheus has scraped no proxy of job ${job} for ${durationWords(proxyDown.for)}: the public edge is down ` +
                "(every client request fails) or its proxies' metrics are unreachable, and every edge alert is blind.",
        }),
        rb.alert({
            name: "EdgeHighErrorRate",
            expr: shareOfClientRequests(selector(envoy.downstreamResponses, { ...clientListeners, envoy_response_code_class: "5" }), serverErrors),
            ...hold(serverErrors),
            summary: "The public edge answers {{ $value | humanizePercentage }} of requests with 5xx",
            description: `{{ $value | humanizePercentage }} of the clients' requests got a 5xx from the edge ${shareWords(serverErrors)}.`,
        }),
        ...refusals.map((r) =>
            rb.alert({
                name: r.name,
                expr: shareOfClientRequests(selector(r.metric, { job }), r.hold),
                ...hold(r.hold),
                summary: `The edge's ${r.by} refuse {{ $value | humanizePercentage }} of requests`,
                description:
                    `{{ $value | humanizePercentage }} of the clients' requests were refused with ${r.status} by the edge's ${r.by} ` +
                    `${shareWords(r.hold)}: ${r.causes}.`,
            }),
        ),
    ]);
}

/** The Gateway's proxies as kubectl selects them, in the proxy namespace. */
const proxyPods = (gateway: string): string => `-n ${nsVar} -l ${envoyProxyScrape.owningGatewayNameLabel}=${gateway}`;
const byRoute = by([edgeRouteLabel]);

export const proxyRunbooks = runbooks<Proxies>(__filename, {
    EdgeProxyDown: (services) => {
        const gateway = publicService(services).name;
        return {
            meaning:
                `Prometheus has scraped no Envoy proxy of the public Gateway «${gateway}» (job «${job}», port ${envoyProxyScrape.port} ` +
                `«${envoyProxyScrape.path}») for ${durationWords(proxyDown.for)}.`,
            impact: "If the proxies are gone, the platform is unreachable from outside. If only their metrics are, every edge alert is blind.",
            check: [
                `${fromAlert} «NS» is the proxy namespace («edge.proxyNamespace», default «envoy-gateway-system»).`,
                sh(
                    `kubectl ${proxyPods(gateway)} get pods -o wide`,
                    `kubectl -n ${defaultNamespaces.services} describe gateway ${gateway}`,
                    "kubectl -n $NS logs deploy/envoy-gateway --since=15m | grep -i error | tail",
                ),
            ].join("\n\n"),
            act: [
                "- Gateway not Programmed: read its conditions; a missing certificate Secret or an EnvoyProxy error stops Envoy Gateway from creating the proxies.",
                "- Proxies running but not scraped: Prometheus' egress to the proxy namespace and its Role there (pods, read-only) must exist; Prometheus → Status → Targets shows the error.",
            ].join("\n"),
        };
    },
    EdgeHighErrorRate: () => ({
        meaning: `More than ${formatPercent(serverErrors.ratio)} of the clients' requests got a 5xx from the edge ${shareWords(serverErrors)}.`,
        impact: "Clients see errors. A 503 with no backend response means Envoy found no healthy endpoint of the gateway Service.",
        check: [
            fromAlert,
            promql(
                `sum ${by([edgeRouteLabel, "envoy_response_code_class"])} (rate(${selector(envoy.upstreamResponses, { job })}[${serverErrors.window}]))`,
            ),
            "The per-route split shows whether one route (one backend path) or every route fails; the services' own AzoraHighErrorRate names the service.",
        ].join("\n\n"),
        act: [
            "- One route failing: follow the service's alerts; roll back its last release if it started then.",
            "- Every route failing with 503: the gateway Service has no ready endpoints; see its Deployment.",
        ].join("\n"),
    }),
    EdgeRateLimitedSurge: () => ({
        meaning: `More than ${formatPercent(rateLimited.ratio)} of the clients' requests were refused with 429 by the edge's local rate limits ${shareWords(rateLimited)}.`,
        impact: "The limits are doing their job against abuse; if the refused clients are real users, they are locked out until their buckets refill.",
        check: [
            fromAlert,
            promql(
                `sum (rate(${selector(envoy.rateLimited, { job })}[${rateLimited.window}]))`,
                `sum ${byRoute} (rate(${selector(envoy.upstreamResponses, { job })}[${rateLimited.window}]))`,
            ),
            "The limit counter has no route; the per-route traffic beside it (Grafana «Azora / Edge») shows which route's clients " +
                "arrive faster than its limits, and the proxies' access logs name the 429s' routes and client addresses.",
        ].join("\n\n"),
        act: [
            "- One or a few addresses: abuse; add the range to «edge.denyCidrs».",
            "- Many addresses after a release or campaign: the limits are too low; raise «edge.routes.<route>.clientRequestsPerSecond» or «routeRequestsPerSecond».",
            "- Every client behind one address: the real client address is lost; check «edge.clientIp.trustedProxyCidrs» / «trustedHops».",
        ].join("\n"),
    }),
    EdgeDeniedSurge: () => ({
        meaning: `More than ${formatPercent(denied.ratio)} of the clients' requests were refused with 403 by the edge's IP allow and deny lists ${shareWords(denied)}.`,
        impact: "Denied clients cannot reach the platform; if the allow list is wrong, real users are locked out.",
        check: [fromAlert, promql(`sum (rate(${selector(envoy.rbacDenied, { job })}[${denied.window}]))`), "Compare «edge.allowCidrs» and «edge.denyCidrs» in the stack file with the clients the access logs show."].join(
            "\n\n",
        ),
        act: [
            "- Denied range retrying: nothing to do but watch; raise it with the provider if it persists.",
            "- Real clients denied: fix «edge.allowCidrs» (or the client-address settings under «edge.clientIp») and run pulumi up.",
        ].join("\n"),
    }),
});
