// One observability workload's objects, built the same way for every component of the stack: its
// metadata and labels, ServiceAccount, ConfigMaps, Services (whose ports the container declares too),
// the hardened pod of its pinned image, the pod template that rolls on a config change, its
// StatefulSet, disruption budget and NetworkPolicy. Each component module decides only what is
// particular to it (configuration, ports, probes, volumes, peers).
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { selectorLabels, standardLabels } from "../../model/labels";
import { type NetworkPolicyPeer, networkPolicy, podsOf, type TrafficRule } from "../k8s/network-policy";
import {
    checksum,
    clusterService,
    configMap,
    metadata,
    type NamedMeta,
    type Owner,
    podDisruptionBudget,
    serviceAccount,
    type ServicePortSpec,
    type WorkloadLabels,
} from "../k8s/objects";
import { type ContainerProps, hardenedPod, type PodProps, type SpreadPolicy } from "../k8s/pod";
import { imageRef, type ImagePin } from "./images";
import { headlessServiceName } from "../../model/workloads";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type PersistentVolumeClaim = k8s.types.input.core.v1.PersistentVolumeClaim;

export interface StackPlacement {
    /** The observability namespace (created by the namespace component). */
    namespace: string;
    environment: string;
}

/** Labels of a stack workload's objects (component = the workload's name, version = its image tag). */
function workloadLabels(name: string, environment: string, image?: ImagePin): WorkloadLabels {
    return {
        labels: standardLabels({ name, component: name, environment, version: image?.tag }),
        selector: selectorLabels(name),
    };
}

/** Container ports for the given Service ports: the container declares what its Services expose. */
export function containerPorts(ports: readonly ServicePortSpec[]): k8s.types.input.core.v1.ContainerPort[] {
    return ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? "TCP" }));
}

export interface StatefulSetSpec {
    /** @default 1 */
    replicas?: number;
    /**
     * The governing Service, which `statefulSet` creates: headless (clusterIP None) and named
     * `<workload>-headless`, so every replica has a stable DNS name, with these ports.
     * `publishNotReadyAddresses` lets replicas find each other before they are ready. @default false
     */
    governingService: { ports: ServicePortSpec[]; publishNotReadyAddresses?: boolean };
    /** "Parallel" for replicas that do not depend on each other's order. @default OrderedReady */
    podManagementPolicy?: "Parallel";
    /** Configuration texts whose checksum, on the pod template, rolls the pods when they change. */
    configTexts: readonly string[];
    pod: PodSpec;
    claimTemplates?: PersistentVolumeClaim[];
}

export class StackWorkload {
    readonly owner: Owner;
    readonly ids: WorkloadLabels;

    constructor(
        parent: pulumi.Resource,
        /** The component's name: its children's names start with it. */
        prefix: string,
        readonly name: string,
        readonly namespace: string,
        environment: string,
        readonly image: ImagePin,
    ) {
        this.owner = { parent, prefix };
        this.ids = workloadLabels(name, environment, image);
    }

    /** Metadata of an object of this workload, named after it unless told otherwise. */
    meta(objectName = this.name): NamedMeta {
        return metadata(objectName, this.namespace, this.ids.labels);
    }

    serviceAccount(): k8s.core.v1.ServiceAccount {
        return serviceAccount(this.owner, this.meta(), "sa");
    }

    configMap(objectName: string, data: Record<string, string>): k8s.core.v1.ConfigMap {
        return configMap(this.owner, this.meta(objectName), data);
    }

    /** A ClusterIP Service selecting this workload's pods (named after the workload unless `objectName`). */
    service(
        ports: ServicePortSpec[],
        opts: { objectName?: string; headless?: boolean; publishNotReadyAddresses?: boolean } = {},
    ): k8s.core.v1.Service {
        const objectName = opts.objectName ?? this.name;
        return clusterService(this.owner, this.meta(objectName), this.ids.selector, ports, {
            role: `${objectName}-svc`,
            headless: opts.headless,
            publishNotReadyAddresses: opts.publishNotReadyAddresses,
        });
    }

    /** The workload's container, running its pinned image. */
    container(props: Omit<ContainerProps, "name" | "image">): ContainerProps {
        return { name: this.name, image: imageRef(this.image), ...props };
    }

    /**
     * The hardened pod, running as the image's own UID. Replicas spread over zones and nodes
     * (`spread` @default "ScheduleAnyway"; `false` for a DaemonSet, which runs one pod per node anyway).
     */
    pod(
        props: Omit<PodProps, "name" | "identity" | "spread"> & { spread?: SpreadPolicy | false; supplementalGroups?: number[] },
    ): PodSpec {
        const { supplementalGroups, spread = "ScheduleAnyway", ...rest } = props;
        return hardenedPod({
            name: this.name,
            ...rest,
            ...(spread ? { spread } : {}),
            identity: { uid: this.image.uid, ...(supplementalGroups ? { supplementalGroups } : {}) },
        });
    }

    /** The pod template: the workload's labels, and a checksum of its configuration that rolls the pods. */
    template(configTexts: readonly string[], pod: PodSpec): k8s.types.input.core.v1.PodTemplateSpec {
        return { metadata: { labels: this.ids.labels, annotations: { "checksum/config": checksum(...configTexts) } }, spec: pod };
    }

    /** The StatefulSet and its governing headless Service. */
    statefulSet(spec: StatefulSetSpec): k8s.apps.v1.StatefulSet {
        const governing = this.service(spec.governingService.ports, {
            objectName: headlessServiceName(this.name),
            headless: true,
            publishNotReadyAddresses: spec.governingService.publishNotReadyAddresses,
        });
        return new k8s.apps.v1.StatefulSet(
            `${this.owner.prefix}-statefulset`,
            {
                metadata: this.meta(),
                spec: {
                    replicas: spec.replicas ?? 1,
                    serviceName: governing.metadata.name,
                    ...(spec.podManagementPolicy ? { podManagementPolicy: spec.podManagementPolicy } : {}),
                    selector: { matchLabels: this.ids.selector },
                    template: this.template(spec.configTexts, spec.pod),
                    volumeClaimTemplates: spec.claimTemplates ?? [],
                },
            },
            { parent: this.owner.parent },
        );
    }

    disruptionBudget(): k8s.policy.v1.PodDisruptionBudget {
        return podDisruptionBudget(this.owner, this.meta(), this.ids.selector, "pdb");
    }

    /** Pods of another stack workload, in this workload's namespace unless it runs elsewhere. */
    peer(workload: string, namespace = this.namespace): NetworkPolicyPeer {
        return podsOf(workload, namespace === this.namespace ? undefined : namespace);
    }

    networkPolicy(rules: { ingress: TrafficRule[]; egress: TrafficRule[] }): k8s.networking.v1.NetworkPolicy {
        return networkPolicy(this.owner, this.meta(), this.ids.selector, rules, "netpol");
    }
}
