// Shared helpers for rules that inspect the pod spec of pod-bearing objects.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { KubeObject, PodSpec, PodTemplateSpec, POD_BEARING_KINDS, podTemplateOf } from "../lib/k8s";
import { BaseConfig, ResourceCheck, ResourcePolicyDefinition, resourcePolicy } from "../lib/policy";

interface PodCheck<C extends BaseConfig> extends ResourceCheck<C, KubeObject> {
    readonly template: PodTemplateSpec;
    readonly spec: PodSpec;
}

export interface PodPolicyDefinition<C extends BaseConfig> extends Omit<ResourcePolicyDefinition<C, KubeObject>, "kinds" | "check"> {
    /** Defaults to every pod-bearing kind (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). */
    readonly kinds?: ResourcePolicyDefinition<C, KubeObject>["kinds"];
    checkPod: (ctx: PodCheck<C>) => void;
}

/** A resource policy over the pod spec of pod-bearing objects (objects without a pod spec are skipped). */
export function podPolicy<C extends BaseConfig = BaseConfig>(def: PodPolicyDefinition<C>): ResourceValidationPolicy {
    const { checkPod, kinds, ...rest } = def;
    return resourcePolicy<C, KubeObject>({
        ...rest,
        kinds: kinds ?? POD_BEARING_KINDS,
        check: (ctx) => {
            const template = podTemplateOf(ctx.kind, ctx.props);
            const spec = template?.spec;
            if (!template || !spec) {
                return;
            }
            checkPod({ ...ctx, template, spec });
        },
    });
}

/** Secret-looking names: password, secret, token, api key, private key, credentials. */
export const SECRET_NAME = /password|secret|token|api[_-]?key|private[_-]?key|credentials/i;
