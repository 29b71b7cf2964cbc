// One Azora service: identity, config, secrets, Deployment, Service, autoscaling, disruption
// budget, NetworkPolicies, and for services with a database the migration Job and backups.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceSpec, ServiceSpec } from "../../model/catalog";
import type { DatabaseSettings, WorkloadSettings } from "../config";
import { DatabaseJobs } from "./database-jobs";
import { selectorLabels, standardLabels } from "../../model/labels";
import { memoryBytes } from "../../model/quantity";
import { serviceUrl } from "../../model/urls";
import { networkPolicy } from "../k8s/network-policy";
import { grantRole, serviceAccountSubject } from "../k8s/rbac";
import { clusterService, podDisruptionBudget, serviceAccount, type Owner } from "../k8s/objects";
import { fieldEnv, hardenedPod, httpProbes, type ContainerProps } from "../k8s/pod";
import { egressRules, ingressRules, type NetworkContext } from "./network";
import { serviceConfigData, type ServiceEnvInputs } from "./service-env";
import { secretFiles, ServiceSecrets } from "./service-secrets";

export interface AzoraServiceArgs {
    spec: ServiceSpec;
    network: NetworkContext;
    environment: string;
    /** Fully pinned image reference (registry/name:tag or @sha256 digest). */
    image: pulumi.Input<string>;
    /** The release this image is, for labels and the migration Job's name. */
    version: string;
    imagePullPolicy: "IfNotPresent" | "Always";
    replicas: { min: number; max: number };
    resources: ResourceSpec;
    autoscaling: Pick<WorkloadSettings, "targetCpuUtilization" | "targetMemoryUtilization" | "scaleDownStabilizationSeconds">;
    topologySpread: WorkloadSettings["topologySpread"]["whenUnsatisfiable"];
    terminationGracePeriodSeconds: number;
    preStopSleepSeconds: number;
    env: Omit<ServiceEnvInputs, "spec" | "services" | "namespace" | "environment" | "database" | "memoryLimitBytes">;
    rotation: number;
    externalSecretValues: Record<string, string>;
    database?: DatabaseSettings;
}

const httpPortName = "http";

export class AzoraService extends pulumi.ComponentResource {
    readonly endpoint: pulumi.Output<string>;
    readonly deployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: AzoraServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:service:AzoraService", name, {}, opts);
        const child = { parent: this };
        const owner: Owner = { parent: this, prefix: name };
        const { spec, network } = args;
        const ns = network.namespace;
        const labels = standardLabels({
            name: spec.name,
            component: "service",
            environment: args.environment,
            version: args.version,
        });
        const selector = selectorLabels(spec.name);
        const meta = { name: spec.name, namespace: ns, labels };

        const sa = serviceAccount(owner, meta);
        const apiAccess = this.kubernetesApiAccess(owner, spec, meta);

        const dbConn = spec.database && args.database ? args.database : undefined;
        const configData = serviceConfigData({
            ...args.env,
            spec,
            services: network.services,
            namespace: ns,
            environment: args.environment,
            memoryLimitBytes: memoryBytes(args.resources.limits.memory),
            database: dbConn,
        });
        const configMap = new k8s.core.v1.ConfigMap(
            `${spec.name}-config`,
            { metadata: { ...meta, name: `${spec.name}-config` }, data: configData },
            child,
        );
        const secrets = new ServiceSecrets(
            spec.name,
            {
                spec,
                namespace: ns,
                labels,
                rotation: args.rotation,
                externalValues: args.externalSecretValues,
                database: dbConn,
            },
            child,
        );
        const checksum = secrets.fingerprint.apply((f) =>
            createHash("sha256").update(JSON.stringify(configData)).update(f).digest("hex"),
        );

        // Secrets as files (`<KEY>_FILE` names each), never as environment values.
        const files = secretFiles(secrets.refs);
        const container: ContainerProps = {
            name: spec.name,
            image: args.image,
            imagePullPolicy: args.imagePullPolicy,
            ports: [{ name: httpPortName, containerPort: spec.port, protocol: "TCP" }],
            envFrom: [{ configMapRef: { name: `${spec.name}-config` } }],
            env: [
                ...files.env,
                fieldEnv("POD_NAME", "metadata.name"),
                fieldEnv("POD_NAMESPACE", "metadata.namespace"),
                fieldEnv("NODE_NAME", "spec.nodeName"),
            ],
            resources: args.resources,
            ...httpProbes({ ...spec.health, port: httpPortName }),
            lifecycle: { preStop: { sleep: { seconds: args.preStopSleepSeconds } } },
            volumeMounts: [...files.volumeMounts, ...(apiAccess ? [apiAccess.mount] : [])],
        };

        let migration: pulumi.Resource | undefined;
        if (spec.database && args.database) {
            const jobs = new DatabaseJobs(
                spec.name,
                {
                    spec,
                    database: args.database,
                    network,
                    environment: args.environment,
                    serviceAccountName: spec.name,
                    image: args.image,
                    imagePullPolicy: args.imagePullPolicy,
                    resources: args.resources,
                    configMapName: `${spec.name}-config`,
                    secrets: secrets.refs,
                },
                { parent: this, dependsOn: [configMap, secrets, sa] },
            );
            migration = jobs.migration;
        }

        this.deployment = new k8s.apps.v1.Deployment(
            spec.name,
            {
                metadata: meta,
                spec: {
                    // No replicas field: the HPA owns the count, so an `up` never fights the autoscaler.
                    revisionHistoryLimit: 10,
                    selector: { matchLabels: selector },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
                    progressDeadlineSeconds: 600,
                    template: {
                        metadata: {
                            labels,
                            annotations: {
                                "azora.io/config-checksum": checksum,
                                "prometheus.io/scrape": "true",
                                "prometheus.io/port": String(spec.port),
                                "prometheus.io/path": "/metrics",
                            },
                        },
                        spec: hardenedPod({
                            name: spec.name,
                            serviceAccountName: sa.metadata.name,
                            terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
                            spread: args.topologySpread,
                            containers: [container],
                            volumes: [...files.volumes, ...(apiAccess ? [apiAccess.volume] : [])],
                        }),
                    },
                },
            },
            { ...child, dependsOn: [configMap, secrets, ...(migration ? [migration] : [])] },
        );

        clusterService(owner, meta, selector, [{ name: httpPortName, port: spec.port, targetPort: httpPortName }]);

        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            spec.name,
            {
                metadata: meta,
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: spec.name },
                    minReplicas: args.replicas.min,
                    maxReplicas: args.replicas.max,
                    metrics: [
                        utilization("cpu", args.autoscaling.targetCpuUtilization),
                        utilization("memory", args.autoscaling.targetMemoryUtilization),
                    ],
                    behavior: {
                        scaleDown: {
                            stabilizationWindowSeconds: args.autoscaling.scaleDownStabilizationSeconds,
                            policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
                        },
                        scaleUp: {
                            stabilizationWindowSeconds: 0,
                            policies: [{ type: "Percent", value: 100, periodSeconds: 30 }],
                        },
                    },
                },
            },
            { ...child, dependsOn: [this.deployment] },
        );

        podDisruptionBudget(owner, meta, selector);
        networkPolicy(owner, meta, selector, { ingress: ingressRules(spec, network), egress: egressRules(spec, network) });

        this.endpoint = pulumi.output(serviceUrl(spec.name, ns, spec.port));
        this.registerOutputs({ endpoint: this.endpoint });
    }

    /** Least-privilege API access: a namespaced read-only Role and a short-lived projected token,
     *  so token automount stays off everywhere. */
    private kubernetesApiAccess(
        owner: Owner,
        spec: ServiceSpec,
        meta: { name: string; namespace: string; labels: Record<string, string> },
    ) {
        if (!spec.kubernetesApi) return undefined;
        const roleName = `${spec.name}-reader`;
        grantRole(
            owner,
            "reader",
            { ...meta, name: roleName },
            [{ apiGroups: [""], resources: spec.kubernetesApi.resources, verbs: spec.kubernetesApi.verbs }],
            [serviceAccountSubject(spec.name, meta.namespace)],
        );
        const volumeName = "kube-api-access";
        return {
            volume: {
                name: volumeName,
                projected: {
                    sources: [
                        { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
                        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                        { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
                    ],
                },
            },
            mount: { name: volumeName, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
        };
    }
}

function utilization(resource: "cpu" | "memory", averageUtilization: number) {
    return { type: "Resource", resource: { name: resource, target: { type: "Utilization", averageUtilization } } };
}
