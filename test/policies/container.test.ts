import { describe, expect, it } from "vitest";

import { parseQuantity, readOnlyRootFilesystem, resources } from "../../policies/rules/container";
import { container, deployment, SECURE_CONTAINER_CONTEXT, workload, WORKLOAD_KINDS } from "./fixtures";
import { problems } from "./harness";

describe("container-read-only-root-filesystem", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(readOnlyRootFilesystem, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports a container with a writable root filesystem", async () => {
        const d = deployment("api-gateway", { container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, readOnlyRootFilesystem: false } } });
        expect(await problems(readOnlyRootFilesystem, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" does not set securityContext.readOnlyRootFilesystem: true.',
        ]);
    });

    it("reports an initContainer that leaves the root filesystem writable", async () => {
        const d = deployment("api-gateway", {
            pod: { initContainers: [container("migrate", { securityContext: { ...SECURE_CONTAINER_CONTEXT, readOnlyRootFilesystem: undefined } })] },
        });
        expect(await problems(readOnlyRootFilesystem, d)).toEqual([
            'Deployment azora/api-gateway: initContainer "migrate" does not set securityContext.readOnlyRootFilesystem: true.',
        ]);
    });
});

describe("container-resources", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(resources, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports a container without any resources", async () => {
        const d = deployment("api-gateway", { container: { resources: undefined } });
        expect(await problems(resources, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory.',
        ]);
    });

    it("reports a container without a memory limit", async () => {
        const d = deployment("api-gateway", { container: { resources: { requests: { cpu: "100m", memory: "128Mi" } } } });
        expect(await problems(resources, d)).toEqual(['Deployment azora/api-gateway: container "api-gateway" has no resources.limits.memory.']);
    });

    it("reports an initContainer without a CPU request", async () => {
        const d = deployment("api-gateway", {
            pod: { initContainers: [container("migrate", { resources: { requests: { memory: "64Mi" }, limits: { memory: "64Mi" } } })] },
        });
        expect(await problems(resources, d)).toEqual(['Deployment azora/api-gateway: initContainer "migrate" has no resources.requests.cpu.']);
    });

    it("reports a memory limit below the memory request", async () => {
        const d = deployment("api-gateway", { container: { resources: { requests: { cpu: "100m", memory: "1Gi" }, limits: { memory: "512Mi" } } } });
        expect(await problems(resources, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has a memory limit (512Mi) below its request (1Gi).',
        ]);
    });

    it("reports a memory quantity Kubernetes would not parse", async () => {
        const d = deployment("api-gateway", { container: { resources: { requests: { cpu: "100m", memory: "lots" }, limits: { memory: "1Gi" } } } });
        expect(await problems(resources, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has a memory quantity that is not a valid Kubernetes quantity.',
        ]);
    });

    it("does not ask ephemeral containers for resources, which the API forbids them", async () => {
        const d = deployment("api-gateway", { pod: { ephemeralContainers: [container("debug", { resources: undefined })] } });
        expect(await problems(resources, d)).toEqual([]);
    });
});

describe("Kubernetes quantities", () => {
    it.each([
        ["128Mi", 128 * 2 ** 20],
        ["1Gi", 2 ** 30],
        ["1G", 1e9],
        ["250m", 0.25],
        ["1e3", 1000],
        [512, 512],
    ] as const)("parses %s", (q, n) => {
        expect(parseQuantity(q)).toBe(n);
    });

    it("rejects a malformed quantity", () => {
        expect(parseQuantity("12 MB")).toBeUndefined();
    });
});
