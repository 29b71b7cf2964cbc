// What every observability component is told about where it lives, and the labels of its objects.
import { selectorLabels, standardLabels } from "../../model/labels";
import type { WorkloadLabels } from "../k8s/objects";
import type { ImagePin } from "./images";

export interface StackPlacement {
    /** The observability namespace (created by the namespace component). */
    namespace: string;
    environment: string;
}

/** Labels of a stack workload's objects (component = the workload's name, version = its image tag). */
export function workloadLabels(name: string, environment: string, image?: ImagePin): WorkloadLabels {
    return {
        labels: standardLabels({ name, component: name, environment, version: image?.tag }),
        selector: selectorLabels(name),
    };
}
