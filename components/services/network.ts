// NetworkPolicy rules derived from the catalog: who may call a service, and whom it may call.
// Nothing here lists a service; every peer comes from `calls`, `public` and `externalEndpoints`.
import { callersOf, type ServiceSpec } from "../../model/catalog";
import { observabilityWorkloads } from "../../model/workloads";
import { apiServerPorts, cidrPeers, namespacePeer, podsOf, publicInternet, tcp, type TrafficRule } from "../k8s/network-policy";

export interface NetworkContext {
    services: readonly ServiceSpec[];
    namespace: string;
    observabilityNamespace: string;
    edgeProxyNamespace: string;
    databaseCidrs: readonly string[];
    databasePort: number;
    apiServerCidrs: readonly string[];
}

export function ingressRules(spec: ServiceSpec, ctx: NetworkContext): TrafficRule[] {
    const rules: TrafficRule[] = [];
    const callers = callersOf(ctx.services, spec.name);
    if (callers.length > 0) rules.push({ peers: callers.map((c) => podsOf(c.name)), ports: tcp(spec.port) });
    if (spec.public) rules.push({ peers: [namespacePeer(ctx.edgeProxyNamespace)], ports: tcp(spec.port) });
    rules.push({ peers: [podsOf(observabilityWorkloads.prometheus.name, ctx.observabilityNamespace)], ports: tcp(spec.port) });
    return rules;
}

export function egressRules(spec: ServiceSpec, ctx: NetworkContext): TrafficRule[] {
    const byName = new Map(ctx.services.map((s) => [s.name, s]));
    const rules: TrafficRule[] = spec.calls.map((callee) => {
        const target = byName.get(callee);
        if (!target) throw new Error(`${spec.name} calls unknown service ${callee}`);
        return { peers: [podsOf(callee)], ports: tcp(target.port) };
    });
    const otel = observabilityWorkloads.otelCollector;
    rules.push({ peers: [podsOf(otel.name, ctx.observabilityNamespace)], ports: tcp(otel.otlpGrpcPort, otel.otlpHttpPort) });
    if (spec.database) rules.push(databaseEgress(ctx));
    const externalPorts = [...new Set(spec.externalEndpoints.map((e) => e.port))].sort((a, b) => a - b);
    if (externalPorts.length > 0) rules.push({ peers: [publicInternet], ports: tcp(...externalPorts) });
    if (spec.kubernetesApi) rules.push({ peers: cidrPeers(ctx.apiServerCidrs), ports: tcp(...apiServerPorts) });
    return rules;
}

export function databaseEgress(ctx: Pick<NetworkContext, "databaseCidrs" | "databasePort">): TrafficRule {
    return { peers: cidrPeers(ctx.databaseCidrs), ports: tcp(ctx.databasePort) };
}
