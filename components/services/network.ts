// NetworkPolicy rules derived from the catalog: who may call a service, and whom it may call.
// Nothing here lists a service; every peer comes from `calls`, `public` and `externalEndpoints`.
import type * as k8s from "@pulumi/kubernetes";
import { callersOf, ServiceSpec } from "../../model/catalog";
import { observabilityWorkloads } from "../../model/workloads";
import { selectorLabels } from "../../model/labels";

type IngressRule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** Private, link-local and metadata ranges: "the internet" for third-party egress excludes them. */
export const nonPublicRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"];

export interface NetworkContext {
    services: readonly ServiceSpec[];
    namespace: string;
    observabilityNamespace: string;
    ingressControllerNamespace: string;
    databaseCidrs: readonly string[];
    databasePort: number;
    apiServerCidrs: readonly string[];
}

/** Pods of a namespace (all of them, or those with `podLabels`). */
export function namespacePeer(namespace: string, podLabels?: Record<string, string>): Peer {
    return {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
    };
}

export function tcp(...ports: number[]): k8s.types.input.networking.v1.NetworkPolicyPort[] {
    return ports.map((port) => ({ protocol: "TCP", port }));
}

/** Addresses outside the private ranges: "the internet", for third-party HTTPS endpoints. */
export const publicInternet: Peer = { ipBlock: { cidr: "0.0.0.0/0", except: nonPublicRanges } };

export function ingressRules(spec: ServiceSpec, ctx: NetworkContext): IngressRule[] {
    const rules: IngressRule[] = [];
    const callers = callersOf(ctx.services, spec.name);
    if (callers.length > 0) {
        rules.push({
            from: callers.map((c) => ({ podSelector: { matchLabels: selectorLabels(c.name) } })),
            ports: tcp(spec.port),
        });
    }
    if (spec.public) {
        rules.push({ from: [namespacePeer(ctx.ingressControllerNamespace)], ports: tcp(spec.port) });
    }
    rules.push({
        from: [namespacePeer(ctx.observabilityNamespace, selectorLabels(observabilityWorkloads.prometheus.name))],
        ports: tcp(spec.port),
    });
    return rules;
}

export function egressRules(spec: ServiceSpec, ctx: NetworkContext): EgressRule[] {
    const byName = new Map(ctx.services.map((s) => [s.name, s]));
    const rules: EgressRule[] = spec.calls.map((callee) => {
        const target = byName.get(callee);
        if (!target) throw new Error(`${spec.name} calls unknown service ${callee}`);
        return { to: [{ podSelector: { matchLabels: selectorLabels(callee) } }], ports: tcp(target.port) };
    });
    const otel = observabilityWorkloads.otelCollector;
    rules.push({
        to: [namespacePeer(ctx.observabilityNamespace, selectorLabels(otel.name))],
        ports: tcp(otel.otlpGrpcPort, otel.otlpHttpPort),
    });
    if (spec.database) rules.push(databaseEgress(ctx));
    const externalPorts = [...new Set(spec.externalEndpoints.map((e) => e.port))].sort((a, b) => a - b);
    if (externalPorts.length > 0) {
        rules.push({ to: [publicInternet], ports: tcp(...externalPorts) });
    }
    if (spec.kubernetesApi) {
        rules.push({ to: ctx.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(443, 6443) });
    }
    return rules;
}

export function databaseEgress(ctx: Pick<NetworkContext, "databaseCidrs" | "databasePort">): EgressRule {
    return { to: ctx.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(ctx.databasePort) };
}

/** DNS to kube-dns only; every namespace gets this beside its default deny. */
export const dnsEgress: EgressRule = {
    to: [
        {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
    ],
    ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
    ],
};
