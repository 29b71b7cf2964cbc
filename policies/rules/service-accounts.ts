// Service accounts: a dedicated account per workload, and no API token in pods that do not call the API.
import type { Policies } from "@pulumi/policy";

import { podTemplateOf, POD_BEARING_KINDS, ServiceAccountObject } from "../lib/k8s";
import { stackPolicy } from "../lib/policy";
import { podPolicy } from "./common";

export const notDefaultServiceAccount = podPolicy({
    name: "sa-not-default",
    group: "sa",
    severity: "medium",
    description: "Pods name their own service account (serviceAccountName set and not \"default\").",
    remediation: "create a ServiceAccount for the workload and set serviceAccountName to it.",
    checkPod: ({ spec, violation }) => {
        const sa = spec.serviceAccountName ?? spec.serviceAccount;
        if (typeof sa !== "string" || sa === "") {
            violation("does not set serviceAccountName, so its pods run as the namespace's default service account.");
        } else if (sa === "default") {
            violation('uses the "default" service account.');
        }
    },
});

export const tokenNotAutomounted = stackPolicy({
    name: "sa-token-not-automounted",
    group: "sa",
    severity: "medium",
    description:
        "Pods do not mount a service account token: automountServiceAccountToken is false on the pod spec, or unset there and false on its ServiceAccount. Workloads that call the Kubernetes API are exempted by name, with a reason.",
    remediation:
        "set automountServiceAccountToken: false on the pod spec (or on its ServiceAccount); if the workload calls the Kubernetes API, add an exemption with the reason.",
    check: ({ ofKind, violation }) => {
        const accounts = ofKind("ServiceAccount");
        for (const w of ofKind(...POD_BEARING_KINDS)) {
            const spec = podTemplateOf(w.kind, w.props)?.spec;
            if (!spec) {
                continue;
            }
            const podSetting = spec.automountServiceAccountToken;
            if (podSetting === false) {
                continue;
            }
            if (podSetting === true) {
                violation(w, "sets automountServiceAccountToken: true on its pod spec.");
                continue;
            }
            const saName = spec.serviceAccountName ?? spec.serviceAccount ?? "default";
            const sa = accounts.find((a) => a.id.namespace === w.id.namespace && a.id.name === saName);
            if (!sa) {
                violation(
                    w,
                    `does not set automountServiceAccountToken: false on its pod spec, and its ServiceAccount ${saName} is not in the stack to say otherwise.`,
                );
            } else if ((sa.props as ServiceAccountObject).automountServiceAccountToken !== false) {
                violation(
                    w,
                    `does not set automountServiceAccountToken: false on its pod spec, and neither does its ServiceAccount ${saName}.`,
                );
            }
        }
    },
});

export const serviceAccountPolicies: Policies = [notDefaultServiceAccount, tokenNotAutomounted];
