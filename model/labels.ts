// The labels every object of the platform carries (the app.kubernetes.io recommended set), and the
// stable subset selectors use. Workloads, namespaces, runbooks' kubectl selectors and the log
// shipper's stream labels all read these.

const partOf = "azora";

/** The label keys, for code that selects by them (kubectl -l, relabelling). */
export const labelKeys = {
    name: "app.kubernetes.io/name",
    partOf: "app.kubernetes.io/part-of",
    component: "app.kubernetes.io/component",
    managedBy: "app.kubernetes.io/managed-by",
    version: "app.kubernetes.io/version",
    environment: "azora.io/environment",
} as const;

export interface WorkloadIdentity {
    /** app.kubernetes.io/name: the selector label, stable for the life of the workload. */
    name: string;
    /** app.kubernetes.io/component, e.g. "service", "prometheus". */
    component: string;
    environment: string;
    version?: string;
}

/** Labels used as selectors: only stable identity, so a version bump never orphans pods. */
export function selectorLabels(name: string): Record<string, string> {
    return { [labelKeys.name]: name, [labelKeys.partOf]: partOf };
}

/** Labels of an object that belongs to no single workload (a namespace and its policies). */
export function sharedLabels(component: string, environment: string): Record<string, string> {
    return {
        [labelKeys.partOf]: partOf,
        [labelKeys.component]: component,
        [labelKeys.managedBy]: "pulumi",
        [labelKeys.environment]: environment,
    };
}

export function standardLabels(id: WorkloadIdentity): Record<string, string> {
    return {
        ...selectorLabels(id.name),
        [labelKeys.component]: id.component,
        [labelKeys.managedBy]: "pulumi",
        [labelKeys.environment]: id.environment,
        ...(id.version ? { [labelKeys.version]: id.version.slice(0, 63) } : {}),
    };
}
