// Storage: no PersistentVolume hands a pod a directory of the node.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { PersistentVolumeObject } from "../lib/k8s";
import { BaseConfig, resourcePolicy } from "../lib/policy";

/** PersistentVolume sources that are a path on one node: pod-level hostPath rules do not see them. */
const NODE_LOCAL_SOURCES: readonly string[] = ["hostPath", "local"];

export const noHostPathPersistentVolumes = resourcePolicy<BaseConfig, PersistentVolumeObject>({
    name: "storage-no-host-path-persistent-volumes",
    group: "storage",
    severity: "critical",
    kinds: ["PersistentVolume"],
    description:
        "No PersistentVolume of type hostPath or local: a claim bound to it gives the pod a node directory, bypassing the pods' own hostPath rules (outside a named exemption).",
    remediation:
        "provision volumes dynamically through a StorageClass (CSI); a node-local volume that is truly needed gets an exemption naming it, with a reason.",
    check: ({ props, violation }) => {
        for (const source of NODE_LOCAL_SOURCES) {
            const value = props.spec?.[source];
            if (typeof value === "object" && value !== null) {
                const path = (value as { path?: unknown }).path;
                violation(`is a ${source} volume${typeof path === "string" ? ` at ${path}` : ""}.`);
            }
        }
    },
});

export const storagePolicies: readonly ResourceValidationPolicy[] = [noHostPathPersistentVolumes];
