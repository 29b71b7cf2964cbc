// The value types stack files are written in, shared by the schema's areas: quantities, durations,
// names, addresses, pins and the resource and replica blocks.
import { z } from "zod";

export const quantity = z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "a Kubernetes quantity such as 250m, 512Mi or 2Gi");
export const duration = z.string().regex(/^[0-9]+(ms|s|m|h|d|w|y)$/, "a Prometheus duration such as 30s, 15d or 168h");
export const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS-1123 label: lower-case letters, digits and '-'")
    .max(63);
export const hostname = z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, "a lower-case DNS name such as api.azora.example");
export const origin = z.string().regex(/^https?:\/\/[a-z0-9.-]+(:[0-9]+)?$/, "an origin such as https://app.azora.example");
export const cidr = z.string().regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/[0-9]{1,2}$/, "an IPv4 CIDR such as 10.20.0.0/16");
// zod's own CIDR checks (octets ≤ 255, prefix ≤ 32 or ≤ 128), under one message that names both forms.
const cidrV4 = z.cidrv4();
const cidrV6 = z.cidrv6();
export const clientCidr = z
    .string()
    .refine(
        (v) => cidrV4.safeParse(v).success || cidrV6.safeParse(v).success,
        "an IPv4 or IPv6 CIDR such as 203.0.113.0/24 or 2001:db8::/32",
    );
export const digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, "a digest of the form sha256:<64 hex characters>");
export const imageTag = z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "an image tag")
    .refine((t) => t !== "latest", "a pinned tag, never 'latest' (it makes rollouts unrepeatable)");
export const cron = z.string().regex(/^(\S+\s+){4}\S+$/, "a five-field cron schedule such as '15 2 * * *'");

// The key of a map: its title is the placeholder the reference writes for it (`<service>`).
export const serviceName = z.string().meta({ title: "service" });
export const featureFlags = z.record(z.string().meta({ title: "flag" }), z.boolean().describe("`true` turns the flag on."));

export const resourceSpec = z.strictObject({
    requests: z
        .strictObject({
            cpu: quantity.describe("CPU reserved for the container, such as `250m`."),
            memory: quantity.describe("Memory reserved for the container, such as `512Mi`."),
            ephemeralStorage: quantity.describe(
                "Node disk reserved for what the container itself writes (its log files), such as `64Mi`; Kubernetes `ephemeral-storage`.",
            ),
        })
        .describe(
            "Reserved per container: the scheduler places the pod by these, and a service's HPA utilization targets are relative to them.",
        ),
    limits: z
        .strictObject({
            cpu: quantity.describe("Most CPU the container may use; above it, it is throttled."),
            memory: quantity.describe("Most memory the container may use; above it, it is OOM-killed."),
            ephemeralStorage: quantity.describe(
                "Most node disk the container itself may write (logs, writable layer), such as `256Mi`; the pod's emptyDir size limits are added to it. Above it, the kubelet evicts the pod.",
            ),
        })
        .describe("Hard cap per container: CPU is throttled above it, memory above it is OOM-killed."),
});

export const replicaBounds = z
    .strictObject({
        min: z.number().int().min(1).max(100).describe("Fewest pods (HPA `minReplicas`)."),
        max: z.number().int().min(1).max(500).describe("Most pods (HPA `maxReplicas`)."),
    })
    .refine((r) => r.max >= r.min, { message: "max must be at least min", path: ["max"] });

export const persistence = z
    .strictObject({
        enabled: z
            .boolean()
            .default(true)
            .describe("Keep the data on a PersistentVolumeClaim; `false` keeps it in the pod only (lost on restart)."),
        size: quantity.describe("Size of the PersistentVolumeClaim."),
        storageClassName: z
            .string()
            .optional()
            .describe("StorageClass of the PersistentVolumeClaim; unset: the cluster default."),
    })
    .describe("Storage of this component's data.");
