// Where the stack goes and who may operate it: the cluster target, the images, the namespaces and the
// access roles.
import { z } from "zod";
import { defaultNamespaces } from "../../model/namespaces";
import { cidr, digest, dnsLabel, imageTag, quantity, serviceName } from "./fields";

const targetKeys: readonly PropertyKey[] = ["renderDirectory", "kubeconfig", "context"];
const targetKeysParsed = (payload: z.core.ParsePayload): boolean =>
    payload.issues.every((issue) => !targetKeys.includes(issue.path?.[0] ?? ""));

export const kubernetesSchema = z
    .strictObject({
        renderDirectory: z
            .string()
            .min(1)
            .optional()
            .describe("Render manifests to this directory instead of talking to a cluster (local stack)."),
        kubeconfig: z
            .string()
            .min(1)
            .optional()
            .describe(
                "Kubeconfig for the Kubernetes provider (a path or the file's contents). Unset: the ambient `KUBECONFIG` or `~/.kube/config`.",
            ),
        context: z
            .string()
            .min(1)
            .optional()
            .describe("Kubeconfig context of the target cluster (`azora-dev`, `azora-staging`, `azora-prod`)."),
        serverSideApply: z
            .boolean()
            .default(true)
            .describe("Apply field manager conflicts as errors, never overwrite another manager's fields silently."),
        // No default: any default wide enough to work everywhere (all private ranges, or the
        // internet) would let the workloads that may call the API reach much more than the API.
        apiServerCidrs: z
            .array(cidr, {
                // Only for the missing key: an empty or malformed list keeps zod's own message.
                error: (issue) =>
                    issue.input === undefined
                        ? 'the control plane\'s addresses as a list of IPv4 CIDRs, such as ["192.0.2.10/32"] (`kubectl get endpoints kubernetes` lists them)'
                        : undefined,
            })
            .min(1)
            .describe(
                "Where the Kubernetes API server is reachable: the only addresses Prometheus' discovery and services with `kubernetesApi` may reach on ports 443 and 6443 (egress NetworkPolicy). Required, with no default: narrow it to the control plane's addresses.",
            ),
        // No default either: the kubelets' port is open to nothing else, so the list names the nodes.
        nodeCidrs: z
            .array(cidr, {
                error: (issue) =>
                    issue.input === undefined
                        ? 'the nodes\' addresses as a list of IPv4 CIDRs, such as ["10.0.0.0/16"] (`kubectl get nodes -o wide` lists their InternalIPs)'
                        : undefined,
            })
            .min(1)
            .describe(
                "Where the nodes are: the only addresses Prometheus may reach on the kubelet port (10250) to scrape `/metrics`, `/metrics/cadvisor` and `/metrics/resource` (egress NetworkPolicy). Required, with no default: the node subnet(s).",
            ),
        kubeletCertificatesVerified: z
            .boolean()
            .default(false)
            .describe(
                "Prometheus verifies each kubelet's serving certificate against the cluster CA. `false` for kubelets with self-signed serving certificates (the kubeadm default without `serverTLSBootstrap`): the bearer token still authenticates Prometheus and the NetworkPolicy keeps it to `nodeCidrs`.",
            ),
    })
    .refine((k) => !(k.renderDirectory && (k.kubeconfig || k.context)), {
        message: "renderDirectory cannot be combined with kubeconfig or context; pick one target",
        path: ["renderDirectory"],
        when: targetKeysParsed,
    })
    .refine((k) => Boolean(k.renderDirectory || k.context || k.kubeconfig), {
        message: "set renderDirectory (render only) or context/kubeconfig (a real cluster)",
        path: ["context"],
        when: targetKeysParsed,
    });

export const imagesSchema = z.strictObject({
    registry: z
        .string()
        .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "a registry path such as ghcr.io/azora-os")
        .describe("Registry path of every service image: `<registry>/<service>:<tag>[@<digest>]`."),
    tag: imageTag.describe(
        "Release tag of every service image; one service's tag can be overridden in `workloads.services.<service>.tag`.",
    ),
    requireDigest: z.boolean().default(false).describe("Refuse to deploy any service without a digest (prod)."),
    digests: z
        .record(serviceName, digest.describe("Appended as `@sha256:…`; a digest wins over the tag at pull time."))
        .default({})
        .describe(
            "Image digest per service, written by the image pipeline (`pulumi config set --path images.digests.<service> sha256:…`).",
        ),
    pullPolicy: z
        .enum(["IfNotPresent", "Always"])
        .default("IfNotPresent")
        .describe("`imagePullPolicy` of every service container and migration Job."),
    build: z
        .strictObject({
            enabled: z.boolean().default(false).describe("Build the images in `pulumi up` instead of pulling released ones."),
            sourceRoot: z
                .string()
                .min(1)
                .describe(
                    "Directory holding one source directory per service (`<sourceRoot>/<service>`), built with components/services/service.Dockerfile.",
                ),
            push: z
                .boolean()
                .default(true)
                .describe(
                    "Push the built images and deploy them by the pushed digest; `false` builds locally and deploys by tag.",
                ),
        })
        .optional()
        .describe("Build images from source with @pulumi/docker and deploy them by digest."),
});

export const namespacesSchema = z.strictObject({
    services: dnsLabel
        .default(defaultNamespaces.services)
        .describe("Namespace of the ten services, the edge and the database jobs."),
    observability: dnsLabel
        .default(defaultNamespaces.observability)
        .describe("Namespace of Prometheus, Alertmanager, Grafana, Loki, Jaeger and the OTel Collector."),
    logging: dnsLabel
        .default(defaultNamespaces.logging)
        .describe(
            'Namespace of the node agents only (the log shipper, the node exporter): their read-only hostPaths need Pod Security "privileged" here (audit and warn stay "restricted").',
        ),
    // One quota for all three namespaces; its keys have no defaults of their own, so a stack that
    // sets the quota sets all of it.
    quota: z
        .strictObject({
            requestsCpu: quantity.describe("Sum of CPU requests allowed in the namespace (`requests.cpu`)."),
            requestsMemory: quantity.describe("Sum of memory requests allowed in the namespace (`requests.memory`)."),
            limitsCpu: quantity.describe("Sum of CPU limits allowed in the namespace (`limits.cpu`)."),
            limitsMemory: quantity.describe("Sum of memory limits allowed in the namespace (`limits.memory`)."),
            requestsEphemeralStorage: quantity.describe(
                "Sum of ephemeral-storage requests allowed in the namespace (`requests.ephemeral-storage`).",
            ),
            limitsEphemeralStorage: quantity.describe(
                "Sum of ephemeral-storage limits allowed in the namespace (`limits.ephemeral-storage`); each pod's limits include its emptyDirs.",
            ),
            pods: z
                .number()
                .int()
                .min(10)
                .describe("Most pods in the namespace; leave room for a rollout's surge and the database jobs."),
        })
        .default({
            requestsCpu: "20",
            requestsMemory: "40Gi",
            limitsCpu: "40",
            limitsMemory: "80Gi",
            requestsEphemeralStorage: "40Gi",
            limitsEphemeralStorage: "80Gi",
            pods: 200,
        })
        .describe("ResourceQuota `azora-quota` of each namespace (also caps LoadBalancer and NodePort Services at 0)."),
});

export const accessSchema = z.strictObject({
    deployerGroups: z
        .array(z.string().min(1))
        .default(["azora-deployers"])
        .describe("Groups bound to the namespaced deployer role (rollouts, scaling; no secrets, no exec)."),
    viewerGroups: z
        .array(z.string().min(1))
        .default(["azora-viewers"])
        .describe("Groups bound to the read-only viewer role (no secrets)."),
});
