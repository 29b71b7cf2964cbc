// NetworkPolicy primitives and the one policy builder. Every workload gets one policy naming both
// directions on top of its namespace's default deny; peers are pods by selector labels, namespaces
// by their immutable name label, or address blocks.
import * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../../model/labels";
import { childName, type Owner } from "./objects";

type ObjectMeta = k8s.types.input.meta.v1.ObjectMeta;
export type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
export type NetworkPolicyPort = k8s.types.input.networking.v1.NetworkPolicyPort;

/** Peers allowed on ports: one ingress (`from`) or egress (`to`) rule. */
export interface TrafficRule {
    peers: NetworkPolicyPeer[];
    ports: NetworkPolicyPort[];
}

/** Private, link-local and metadata ranges: "the internet" for third-party egress excludes them. */
const nonPublicRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"];

/** Addresses outside the private ranges: "the internet", for third-party HTTPS endpoints. */
export const publicInternet: NetworkPolicyPeer = { ipBlock: { cidr: "0.0.0.0/0", except: nonPublicRanges } };

export function tcp(...ports: number[]): NetworkPolicyPort[] {
    return ports.map((port) => ({ protocol: "TCP", port }));
}

export function udp(...ports: number[]): NetworkPolicyPort[] {
    return ports.map((port) => ({ protocol: "UDP", port }));
}

/** Pods of a namespace (all of them, or those with `podLabels`). */
export function namespacePeer(namespace: string, podLabels?: Record<string, string>): NetworkPolicyPeer {
    return {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        ...(podLabels ? { podSelector: { matchLabels: podLabels } } : {}),
    };
}

/** Pods of one workload; in the policy's own namespace unless another is named. */
export function podsOf(workload: string, namespace?: string): NetworkPolicyPeer {
    return namespace
        ? namespacePeer(namespace, selectorLabels(workload))
        : { podSelector: { matchLabels: selectorLabels(workload) } };
}

/**
 * The ports the API server answers on: NetworkPolicy cannot name the API server, and the
 * `kubernetes` Service's VIP (443) is rewritten to the endpoints' addresses (6443 on most clusters)
 * before policy applies, so egress to it names both.
 */
export const apiServerPorts = [443, 6443];

/** Address blocks, e.g. the database's or the API server's. */
export function cidrPeers(cidrs: readonly string[]): NetworkPolicyPeer[] {
    return cidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

/** DNS to kube-dns only; every namespace gets this beside its default deny. */
export const dnsEgress: TrafficRule = {
    peers: [
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

/**
 * One policy for the pods `selector` picks, covering both directions. An empty egress list means
 * "nothing beyond what the namespace's default policy allows" (DNS): the policy still names Egress
 * so that a missing default policy never silently opens egress.
 */
export function networkPolicy(
    owner: Owner,
    meta: ObjectMeta,
    selector: Record<string, string>,
    rules: { ingress: TrafficRule[]; egress: TrafficRule[] },
    role?: string,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
        childName(owner, role),
        {
            metadata: meta,
            spec: {
                podSelector: { matchLabels: selector },
                policyTypes: ["Ingress", "Egress"],
                ingress: rules.ingress.map((r) => ({ from: r.peers, ports: r.ports })),
                egress: rules.egress.map((r) => ({ to: r.peers, ports: r.ports })),
            },
        },
        { parent: owner.parent },
    );
}
