// The stack configuration schema. Every knob has a safe default; anything less strict must be
// written in the stack file where a reviewer sees it, and what has no safe default is required.
// Each key carries its description; docs/config-reference.md is generated from this schema alone
// (scripts/config-reference.ts), so a key without a description fails the reference's test.
//
// Defaults are written once, on the key they belong to. An object whose keys all have defaults is
// `.prefault({})`: left out, it is parsed as if written empty, so its keys' own defaults fill it
// (`.default(value)` would return `value` unparsed and make the object restate them).
import { z } from "zod";
import { accessSchema, imagesSchema, kubernetesSchema, namespacesSchema } from "./cluster-schema";
import { edgeSchema } from "./edge-schema";
import { observabilitySchema } from "./observability-schema";
import { databaseSchema, secretsSchema, workloadsSchema } from "./workloads-schema";

const environments = ["local", "e2e", "dev", "staging", "prod"] as const;

export const platformSchema = z.strictObject({
    environment: z
        .enum(environments)
        .describe(
            "Environment name: the `azora.io/environment` label of every object, the services' `AZORA_ENVIRONMENT` and their OpenTelemetry `deployment.environment`.",
        ),
    kubernetes: kubernetesSchema.describe("Which cluster the stack targets (or that it only renders manifests)."),
    namespaces: namespacesSchema
        .prefault({})
        .describe(
            'The three namespaces the platform creates, each default-deny (DNS aside), quota- and limit-bounded, with the access roles; Pod Security "restricted" is enforced in all but the logging namespace.',
        ),
    images: imagesSchema.describe("Where the service images come from and how they are pinned."),
    workloads: workloadsSchema.describe(
        "How every service runs: autoscaling bounds, rollout timing, logging, feature flags and per-service overrides.",
    ),
    secrets: secretsSchema.prefault({}).describe("Platform-generated secrets and third-party credentials."),
    database: databaseSchema.describe(
        "The shared PostgreSQL cluster the services with a catalog `database` use, their migration Jobs and backups.",
    ),
    edge: edgeSchema.describe(
        "The public edge: the gateway Ingress, its TLS certificate, CORS, rate limits and response headers.",
    ),
    observability: observabilitySchema.describe(
        "The observability stack in `namespaces.observability`, and its log shipper in `namespaces.logging`.",
    ),
    access: accessSchema
        .prefault({})
        .describe(
            "Who may operate the namespaces: groups bound to the Roles `azora-deployer` and `azora-viewer` in each of the three namespaces.",
        ),
});

export type PlatformSettings = z.output<typeof platformSchema>;
export type ImageSettings = PlatformSettings["images"];
export type WorkloadSettings = PlatformSettings["workloads"];
export type NamespaceSettings = PlatformSettings["namespaces"];
export type DatabaseSettings = PlatformSettings["database"];
export type EdgeSettings = PlatformSettings["edge"];
export type ObservabilitySettings = PlatformSettings["observability"];
export type AccessSettings = PlatformSettings["access"];

export { observabilitySchema };
