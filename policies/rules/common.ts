// Shared helpers for rules that inspect the pod spec of pod-bearing objects.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { KubeObject, PodSpec, PodTemplateSpec, POD_BEARING_KINDS, podTemplateOf } from "../lib/k8s";
import { BaseConfig, ResourceCheck, ResourcePolicyDefinition, resourcePolicy } from "../lib/policy";

interface PodCheck<C extends BaseConfig> extends ResourceCheck<C, KubeObject> {
    readonly template: PodTemplateSpec;
    readonly spec: PodSpec;
}

export interface PodPolicyDefinition<C extends BaseConfig> extends Omit<
    ResourcePolicyDefinition<C, KubeObject>,
    "kinds" | "check"
> {
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

/**
 * Secret-looking names: password and its abbreviations (passwd, pwd, pass as a word), passphrase,
 * secret, token, api/access/signing/private key, credentials and creds. Matched on the name with
 * camelCase split into words (`dbPass` reads as `db_Pass`), so abbreviations only count as words.
 */
const SECRET_NAME =
    /password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|signing[_-]?key|private[_-]?key|credential|(?:^|[_.-])(?:pwd|pass|creds?)(?:$|[_.-])/i;

/** Whether a variable or key name contains a secret-looking word (before any suffix exception). */
export function hasSecretWord(name: string): boolean {
    return SECRET_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, "$1_$2"));
}
