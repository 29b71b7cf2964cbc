// The platform's namespaces by role, with the names a stack gets when it sets none. Runbooks and
// docs speak of these defaults; a stack may rename them (`namespaces` in the stack file).

export const defaultNamespaces = {
    services: "azora",
    observability: "azora-observability",
    /** Holds only the node agents (log shipper, node exporter): their read-only hostPaths need Pod Security "privileged" here. */
    logging: "azora-logging",
} as const;

export type NamespaceRole = keyof typeof defaultNamespaces;
