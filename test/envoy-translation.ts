// What Envoy Gateway's own translator makes of the edge objects: `egctl x translate` (built pinned by
// scripts/cluster.sh from github.com/envoyproxy/gateway) runs the Gateway API translator and the xDS
// translator of Envoy Gateway's controller on a file of objects, and prints the statuses the controller
// would write and the Envoy configuration it would send the proxies. The e2e suite reads both for the
// objects the API server stored, the tools suite for those the program renders for every stack file.
import { writeFileSync } from "fs";
import { expect } from "vitest";
import { stringify } from "yaml";
import type { EdgeSettings } from "../components/config";
import { securityHeaders } from "../components/edge";
import { edgeRoutes } from "../components/edge/gateway-api";
import type { ServiceSpec } from "../model/catalog";
import { memoryBytes } from "../model/quantity";
import type { RunResult } from "../scripts/lib/workspace";
import { list, type Obj, text } from "./json";

export interface Translation {
    /** Every status condition the translator set that is not True, as `<Kind>/<name> <type>: <reason> <message>`. */
    notTrue: string[];
    /** How many objects of each kind the translator wrote a status for. */
    judged: Record<string, number>;
    /** Envoy's listeners of the Gateway, by name (`<namespace>/<gateway>/<listener section>`). */
    listeners: Map<string, Obj>;
    /** Envoy's routes of the Gateway, by the HTTPRoute they come from (`<namespace>/<route>`). */
    routes: Map<string, Obj>;
}

/** An egctl run: its exit code and output. */
export type Egctl = (args: string[]) => Promise<RunResult>;

/** An Envoy CidrRange as `<prefix>/<length>`, as the stack files write ranges. */
const cidrOf = (c: Obj) => `${text(c.addressPrefix)}/${text(c.prefixLen)}`;

/** The status stanzas of each kind the translator judges, and where their conditions are. */
const judgedKinds: [key: string, kind: string, conditionsOf: (status: Obj) => Obj[]][] = [
    ["gatewayClass", "GatewayClass", (s) => list(s.conditions)],
    ["gateways", "Gateway", (s) => list(s.listeners).flatMap((l) => list(l.conditions))],
    ["httpRoutes", "HTTPRoute", (s) => list(s.parents).flatMap((p) => list(p.conditions))],
    ["clientTrafficPolicies", "ClientTrafficPolicy", (s) => list(s.ancestors).flatMap((a) => list(a.conditions))],
    ["backendTrafficPolicies", "BackendTrafficPolicy", (s) => list(s.ancestors).flatMap((a) => list(a.conditions))],
    ["securityPolicies", "SecurityPolicy", (s) => list(s.ancestors).flatMap((a) => list(a.conditions))],
];

/** What edge objects reference: the Secrets of their listeners' certificateRefs and the Services of their routes' backendRefs. */
export function references(objects: readonly object[]): { certificates: string[]; backends: { name: string; port: number }[] } {
    const specs = objects.map((o) => (o as Obj).spec ?? {});
    const certificates = specs.flatMap((spec) => list(spec.listeners).flatMap((l) => list(l.tls?.certificateRefs)));
    const backends = specs.flatMap((spec) => list(spec.rules).flatMap((r) => list(r.backendRefs)));
    return {
        certificates: [...new Set(certificates.map((ref) => text(ref.name)))],
        backends: [...new Map(backends.map((ref) => [text(ref.name), { name: text(ref.name), port: Number(ref.port) }])).values()],
    };
}

/** An object as input: without the status the translator recomputes and the API server's bookkeeping. */
function asInput(o: object): Record<string, unknown> {
    const input: Record<string, unknown> = { ...o };
    delete input.status;
    const metadata: Record<string, unknown> = { ...(input.metadata as object) };
    for (const key of ["managedFields", "resourceVersion", "uid"]) delete metadata[key];
    return { ...input, metadata };
}

/** Writes the objects to `file`, translates them with egctl and reads the result; throws with egctl's output on failure. */
export async function translate(objects: readonly object[], file: string, egctl: Egctl): Promise<Translation> {
    writeFileSync(file, objects.map((o) => stringify(asInput(o))).join("---\n"));
    const r = await egctl(["x", "translate", "--from", "gateway-api", "--to", "gateway-api,xds", "--output", "json", "--file", file]);
    if (r.code !== 0) throw new Error(`egctl x translate failed (exit ${r.code}):\n${r.output}`);
    const out = JSON.parse(r.stdout) as Obj;

    const notTrue: string[] = [];
    const judged: Record<string, number> = {};
    for (const [key, kind, conditionsOf] of judgedKinds) {
        const objs = key === "gatewayClass" ? (out[key] ? [out[key]] : []) : list(out[key]);
        judged[kind] = objs.length;
        for (const o of objs) {
            for (const c of conditionsOf(o.status ?? {})) {
                if (text(c.status) !== "True") notTrue.push(`${kind}/${text(o.metadata.name)} ${text(c.type)}: ${text(c.reason)} ${text(c.message)}`);
            }
        }
    }

    const configs = Object.values(out.xds ?? {}).flatMap((x) => list(x.configs));
    const listeners = new Map<string, Obj>();
    for (const l of configs.flatMap((c) => list(c.dynamicListeners)).map((d) => d.activeState.listener)) listeners.set(text(l.name), l);
    const routes = new Map<string, Obj>();
    for (const rc of configs.flatMap((c) => list(c.dynamicRouteConfigs))) {
        for (const route of list(rc.routeConfig.virtualHosts).flatMap((vh) => list(vh.routes))) {
            // Envoy Gateway names each route httproute/<namespace>/<name>/rule/<i>/match/<j>/<host>.
            const [, namespace, name] = text(route.name).split("/");
            routes.set(`${namespace}/${name}`, route);
        }
    }
    return { notTrue, judged, listeners, routes };
}

/** The typed configs of one filter or extension anywhere in a listener. */
function filterConfigs(listener: Obj, filterName: string): Obj[] {
    const found: Obj[] = [];
    const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (typeof v === "object" && v !== null) {
            const o = v as Obj;
            if (text(o.name) === filterName && o.typedConfig) found.push(o.typedConfig);
            Object.values(o).forEach(walk);
        }
    };
    walk(listener);
    return found;
}

/** A route's local rate-limit buckets as `<maxTokens>/<fillInterval>`, with ` per client` where a descriptor entry is a wildcard. */
function buckets(route: Obj): string[] {
    const limit = route.typedPerFilterConfig?.["envoy.filters.http.local_ratelimit"];
    const bucket = (b: Obj) => `${text(b.maxTokens)}/${text(b.fillInterval)}`;
    return list(limit?.descriptors)
        .map((d) => `${bucket(d.tokenBucket)}${list(d.entries).some((e) => e.value === undefined) ? " per client" : ""}`)
        .sort();
}

/** A route's RBAC as `<action> <cidr>…` per matcher, then `otherwise <action>`; empty when the route has none. */
function accessRules(route: Obj): string[] {
    const rbac = route.typedPerFilterConfig?.["envoy.filters.http.rbac"]?.rbac.matcher;
    if (!rbac) return [];
    const cidrs = (m: Obj) => list(m.predicate.singlePredicate.customMatch.typedConfig.cidrRanges).map(cidrOf);
    return [
        ...list(rbac.matcherList.matchers).map((m) => [text(m.onMatch.action.typedConfig.action ?? "ALLOW"), ...cidrs(m)].join(" ")),
        `otherwise ${text(rbac.onNoMatch.action.typedConfig.name)}`,
    ];
}

export interface EdgeUnderTest {
    settings: EdgeSettings;
    /** The catalog's public service. */
    gateway: ServiceSpec;
    /** Namespace of the Gateway and its routes and policies. */
    namespace: string;
}

/**
 * Checks a translation against the settings it was made from: every object Accepted with its references
 * resolved, and Envoy's listeners and routes holding the TLS floor, connection limit, client address, each
 * route's limits, body limit, CORS origins, security headers and IP lists.
 */
export function expectTranslated(t: Translation, { settings: s, gateway, namespace }: EdgeUnderTest): void {
    const routes = edgeRoutes(gateway, s.routes);
    const ipLists = s.allowCidrs.length + s.denyCidrs.length > 0;
    expect(t.notTrue).toEqual([]);
    expect(t.judged).toEqual({
        GatewayClass: 1,
        Gateway: 1,
        HTTPRoute: routes.length + 1,
        ClientTrafficPolicy: 1,
        BackendTrafficPolicy: routes.length,
        SecurityPolicy: ipLists ? 1 : 0,
    });

    const https = t.listeners.get(`${namespace}/${gateway.name}/https`);
    const http = t.listeners.get(`${namespace}/${gateway.name}/http`);
    if (!https || !http) throw new Error(`no https and http listeners among ${[...t.listeners.keys()].join(", ")}`);
    expect(filterConfigs(https, "envoy.transport_sockets.tls")[0].commonTlsContext.tlsParams.tlsMinimumProtocolVersion).toBe("TLSv1_2");
    for (const l of [https, http]) {
        expect(filterConfigs(l, "envoy.filters.network.connection_limit").map((c) => text(c.maxConnections))).toEqual([String(s.connectionLimit)]);
        const xff = filterConfigs(l, "envoy.extensions.http.original_ip_detection.xff");
        const { trustedProxyCidrs, trustedHops } = s.clientIp;
        if (trustedProxyCidrs.length > 0) {
            expect(list(xff[0]?.xffTrustedCidrs.cidrs).map(cidrOf)).toEqual(trustedProxyCidrs);
        } else if (trustedHops > 0) {
            // Envoy Gateway gives Envoy one hop fewer than numTrustedHops (its xffNumTrustedHops, after envoyproxy/envoy#34241).
            expect(Number(xff[0]?.xffNumTrustedHops ?? 0)).toBe(trustedHops - 1);
        } else {
            expect(xff).toEqual([]);
        }
    }

    const allowedOnly = s.allowCidrs.length > 0;
    const expectedAccess = ipLists
        ? [
              ...(s.denyCidrs.length > 0 ? [["DENY", ...s.denyCidrs].join(" ")] : []),
              ...(allowedOnly ? [["ALLOW", ...s.allowCidrs].join(" ")] : []),
              `otherwise ${allowedOnly ? "DENY" : "ALLOW"}`,
          ]
        : [];
    for (const route of routes) {
        const envoyRoute = t.routes.get(`${namespace}/${route.objectName}`);
        if (!envoyRoute) throw new Error(`no Envoy route for HTTPRoute ${route.objectName}`);
        const { clientRequestsPerSecond: rate, burstMultiplier, routeRequestsPerSecond } = route.limits;
        // One bucket per client address family (IPv4 and IPv6) for the burst and for the sustained rate, one for the route.
        const perClient = (tokens: number, interval: string) => Array<string>(2).fill(`${tokens}/${interval} per client`);
        expect(buckets(envoyRoute), route.name).toEqual(
            [...perClient(rate * burstMultiplier, "1s"), ...perClient(rate * 60, "60s"), `${routeRequestsPerSecond}/1s`].sort(),
        );
        const config = envoyRoute.typedPerFilterConfig;
        expect(Number(config["envoy.filters.http.buffer"].buffer.maxRequestBytes)).toBe(memoryBytes(s.bodySizeLimit));
        expect(list(config["envoy.filters.http.cors"].allowOriginStringMatch).map((m) => text(m.exact))).toEqual(s.cors.allowedOrigins);
        const headers = Object.fromEntries(list(envoyRoute.responseHeadersToAdd).map((h) => [text(h.header.key), text(h.header.value)]));
        expect(headers).toEqual(securityHeaders(s));
        expect(accessRules(envoyRoute), route.name).toEqual(expectedAccess);
    }
    const redirect = t.routes.get(`${namespace}/${gateway.name}-http-redirect`);
    expect(redirect?.redirect).toEqual({ schemeRedirect: "https" });
    expect(redirect?.route).toBeUndefined();
    expect(accessRules(redirect ?? {})).toEqual(expectedAccess);
}
