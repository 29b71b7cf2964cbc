// The cluster part (file azora-cluster.rules.yaml): the Kubernetes and node alerts of the monitoring
// mixin's tradition, over kube-state-metrics, the kubelet/cAdvisor and node exporter. Objects are
// watched in the platform's namespaces only; nodes and exporters cluster-wide.
import type { RuleBuilder } from "../core/builder";
import type { RuleGroup } from "../core/types";
import { autoscalingRules, autoscalingRunbooks } from "./autoscaling";
import type { PlatformNamespaces } from "./common";
import { jobRules, jobRunbooks } from "./jobs";
import { nodeRules, nodeRunbooks } from "./nodes";
import { podRules, podRunbooks } from "./pods";
import { resourceRules, resourceRunbooks } from "./resources";
import { storageRules, storageRunbooks } from "./storage";
import { targetRules, targetRunbooks } from "./targets";
import { workloadRules, workloadRunbooks } from "./workloads";

export const clusterRunbooks = {
    ...podRunbooks,
    ...workloadRunbooks,
    ...jobRunbooks,
    ...autoscalingRunbooks,
    ...storageRunbooks,
    ...resourceRunbooks,
    ...nodeRunbooks,
    ...targetRunbooks,
};

/** The cluster's rule groups (file azora-cluster.rules.yaml). */
export function clusterRuleGroups(rb: RuleBuilder, namespaces: PlatformNamespaces): RuleGroup[] {
    return [
        { name: "azora-cluster-targets", rules: targetRules(rb) },
        { name: "azora-cluster-pods", rules: podRules(rb, namespaces) },
        { name: "azora-cluster-workloads", rules: workloadRules(rb, namespaces) },
        { name: "azora-cluster-jobs", rules: jobRules(rb, namespaces) },
        { name: "azora-cluster-autoscaling", rules: autoscalingRules(rb, namespaces) },
        { name: "azora-cluster-storage", rules: storageRules(rb, namespaces) },
        { name: "azora-cluster-resources", rules: resourceRules(rb, namespaces) },
        { name: "azora-cluster-nodes", rules: nodeRules(rb) },
    ];
}
