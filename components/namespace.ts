// A namespace that is safe before anything runs in it: Pod Security "restricted" enforced,
// quotas and default limits, deny-all traffic except DNS, and separate deployer/viewer roles.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AccessSettings, NamespaceSettings } from "./config";
import { dnsEgress } from "./k8s/network-policy";
import { grantRole, groupSubject } from "./k8s/rbac";
import { sharedLabels } from "../model/labels";

export interface AzoraNamespaceArgs {
    name: string;
    environment: string;
    /** What the namespace holds, for the app.kubernetes.io/component label. */
    purpose: string;
    quota: NamespaceSettings["quota"];
    access: AccessSettings;
    /**
     * Pod Security level enforced. Anything below "restricted" must say why; the reason is kept on
     * the namespace and audit/warn stay at "restricted" so every exception is still reported.
     */
    podSecurity?: { enforce: "privileged"; reason: string };
}

const podSecurityVersion = "latest";

export class AzoraNamespace extends pulumi.ComponentResource {
    readonly name: pulumi.Output<string>;
    readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: AzoraNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:platform:Namespace", name, {}, opts);
        const child = { parent: this };
        const labels = sharedLabels(args.purpose, args.environment);

        this.namespace = new k8s.core.v1.Namespace(
            name,
            {
                metadata: {
                    name: args.name,
                    annotations: args.podSecurity ? { "azora.io/pod-security-reason": args.podSecurity.reason } : undefined,
                    labels: {
                        ...labels,
                        "pod-security.kubernetes.io/enforce": args.podSecurity?.enforce ?? "restricted",
                        "pod-security.kubernetes.io/enforce-version": podSecurityVersion,
                        "pod-security.kubernetes.io/audit": "restricted",
                        "pod-security.kubernetes.io/audit-version": podSecurityVersion,
                        "pod-security.kubernetes.io/warn": "restricted",
                        "pod-security.kubernetes.io/warn-version": podSecurityVersion,
                    },
                },
            },
            child,
        );
        const ns = this.namespace.metadata.name;
        const inNs = { ...child, dependsOn: [this.namespace] };
        const meta = (objectName: string) => ({ name: objectName, namespace: ns, labels });

        new k8s.core.v1.ResourceQuota(
            `${name}-quota`,
            {
                metadata: meta("azora-quota"),
                spec: {
                    hard: {
                        "requests.cpu": args.quota.requestsCpu,
                        "requests.memory": args.quota.requestsMemory,
                        "limits.cpu": args.quota.limitsCpu,
                        "limits.memory": args.quota.limitsMemory,
                        "requests.ephemeral-storage": args.quota.requestsEphemeralStorage,
                        "limits.ephemeral-storage": args.quota.limitsEphemeralStorage,
                        pods: String(args.quota.pods),
                        "services.loadbalancers": "0",
                        "services.nodeports": "0",
                    },
                },
            },
            inNs,
        );

        // Containers that forget resources still get bounded ones, so the quota can admit them. No
        // ephemeral-storage max: a workload without persistence carries its data emptyDir in its limit.
        new k8s.core.v1.LimitRange(
            `${name}-limits`,
            {
                metadata: meta("azora-limits"),
                spec: {
                    limits: [
                        {
                            type: "Container",
                            default: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "256Mi" },
                            defaultRequest: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
                            max: { cpu: "4", memory: "8Gi" },
                        },
                    ],
                },
            },
            inNs,
        );

        new k8s.networking.v1.NetworkPolicy(
            `${name}-default-deny`,
            {
                metadata: meta("default-deny"),
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
            inNs,
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-dns`,
            {
                metadata: meta("allow-dns"),
                spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: dnsEgress.peers, ports: dnsEgress.ports }] },
            },
            inNs,
        );

        this.accessRoles(name, args, meta, inNs);
        this.name = ns;
        this.registerOutputs({ name: this.name });
    }

    /** Admin privilege separation: humans deploy or view; neither reads secrets or execs into pods. */
    private accessRoles(
        name: string,
        args: AzoraNamespaceArgs,
        meta: (n: string) => { name: string; namespace: pulumi.Output<string>; labels: Record<string, string> },
        opts: pulumi.CustomResourceOptions,
    ) {
        const readable = {
            core: [
                "pods",
                "pods/log",
                "services",
                "endpoints",
                "configmaps",
                "events",
                "serviceaccounts",
                "persistentvolumeclaims",
            ],
            apps: ["deployments", "replicasets", "statefulsets", "daemonsets"],
            batch: ["jobs", "cronjobs"],
            other: [
                { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
                { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
                { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies", "ingresses"] },
            ],
        };
        const read = ["get", "list", "watch"];
        const viewerRules = [
            { apiGroups: [""], resources: readable.core, verbs: read },
            { apiGroups: ["apps"], resources: readable.apps, verbs: read },
            { apiGroups: ["batch"], resources: readable.batch, verbs: read },
            ...readable.other.map((r) => ({ ...r, verbs: read })),
        ];
        const deployerRules = [
            ...viewerRules,
            { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: ["patch", "update"] },
            { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "patch", "update"] },
            { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "delete"] },
            { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
        ];
        const roles: [string, typeof viewerRules, string[]][] = [
            ["azora-viewer", viewerRules, args.access.viewerGroups],
            ["azora-deployer", deployerRules, args.access.deployerGroups],
        ];
        for (const [roleName, rules, groups] of roles) {
            grantRole({ parent: this, prefix: name }, roleName, meta(roleName), rules, groups.map(groupSubject), opts);
        }
    }
}
