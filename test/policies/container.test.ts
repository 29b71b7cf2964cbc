import { describe, expect, it } from "vitest";

import {
    emptyDirSizeLimit,
    ephemeralStorage,
    highUserAndGroupIds,
    parseQuantity,
    readOnlyRootFilesystem,
    resources,
} from "../../policies/rules/container";
import { container, deployment, SECURE_CONTAINER_CONTEXT, SECURE_POD_CONTEXT, workload, WORKLOAD_KINDS } from "./fixtures";
import { PolicyConfigFile, problems } from "./harness";

describe("container-read-only-root-filesystem", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(readOnlyRootFilesystem, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports a container with a writable root filesystem", async () => {
        const d = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, readOnlyRootFilesystem: false } },
        });
        expect(await problems(readOnlyRootFilesystem, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" does not set securityContext.readOnlyRootFilesystem: true.',
        ]);
    });

    it("reports an initContainer that leaves the root filesystem writable", async () => {
        const d = deployment("api-gateway", {
            pod: {
                initContainers: [
                    container("migrate", { securityContext: { ...SECURE_CONTAINER_CONTEXT, readOnlyRootFilesystem: undefined } }),
                ],
            },
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
        expect(await problems(resources, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has no resources.limits.memory.',
        ]);
    });

    it("reports an initContainer without a CPU request", async () => {
        const d = deployment("api-gateway", {
            pod: {
                initContainers: [
                    container("migrate", { resources: { requests: { memory: "64Mi" }, limits: { memory: "64Mi" } } }),
                ],
            },
        });
        expect(await problems(resources, d)).toEqual([
            'Deployment azora/api-gateway: initContainer "migrate" has no resources.requests.cpu.',
        ]);
    });

    it("reports a memory limit below the memory request", async () => {
        const d = deployment("api-gateway", {
            container: { resources: { requests: { cpu: "100m", memory: "1Gi" }, limits: { memory: "512Mi" } } },
        });
        expect(await problems(resources, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has a memory limit (512Mi) below its request (1Gi).',
        ]);
    });

    it("reports a memory quantity Kubernetes would not parse", async () => {
        const d = deployment("api-gateway", {
            container: { resources: { requests: { cpu: "100m", memory: "lots" }, limits: { memory: "1Gi" } } },
        });
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

describe("container-ephemeral-storage", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(ephemeralStorage, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports a container without an ephemeral-storage limit", async () => {
        const d = deployment("api-gateway", {
            container: {
                resources: {
                    requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
                    limits: { memory: "256Mi" },
                },
            },
        });
        expect(await problems(ephemeralStorage, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has no resources.limits.ephemeral-storage.',
        ]);
    });

    it("reports an initContainer with neither request nor limit", async () => {
        const d = deployment("api-gateway", {
            pod: {
                initContainers: [
                    container("migrate", {
                        resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "64Mi" } },
                    }),
                ],
            },
        });
        expect(await problems(ephemeralStorage, d)).toEqual([
            'Deployment azora/api-gateway: initContainer "migrate" has no resources.requests.ephemeral-storage, resources.limits.ephemeral-storage.',
        ]);
    });

    it("reports a limit below the request", async () => {
        const d = deployment("api-gateway", {
            container: {
                resources: {
                    requests: { cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi" },
                    limits: { memory: "1Gi", "ephemeral-storage": "512Mi" },
                },
            },
        });
        expect(await problems(ephemeralStorage, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has an ephemeral-storage limit (512Mi) below its request (1Gi).',
        ]);
    });
});

describe("container-empty-dir-size-limit", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(emptyDirSizeLimit, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports an emptyDir without a sizeLimit", async () => {
        const d = deployment("api-gateway", { pod: { volumes: [{ name: "tmp", emptyDir: {} }] } });
        expect(await problems(emptyDirSizeLimit, d)).toEqual([
            'Deployment azora/api-gateway: emptyDir volume "tmp" has no sizeLimit.',
        ]);
    });

    it("reports a memory-backed emptyDir without a sizeLimit", async () => {
        const d = deployment("api-gateway", { pod: { volumes: [{ name: "cache", emptyDir: { medium: "Memory" } }] } });
        expect(await problems(emptyDirSizeLimit, d)).toEqual([
            'Deployment azora/api-gateway: emptyDir volume "cache" has no sizeLimit.',
        ]);
    });
});

describe("container-high-uid-gid", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(highUserAndGroupIds, workload(kind, "api-gateway"))).toEqual([]);
    });

    it("reports a UID in the host's user range", async () => {
        const d = deployment("api-gateway", { pod: { securityContext: { ...SECURE_POD_CONTEXT, runAsUser: 1000 } } });
        expect(await problems(highUserAndGroupIds, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" runs with runAsUser 1000, below 10000.',
        ]);
    });

    it("reads the container's own runAsGroup before the pod's", async () => {
        const d = deployment("api-gateway", { container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, runAsGroup: 100 } } });
        expect(await problems(highUserAndGroupIds, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" runs with runAsGroup 100, below 10000.',
        ]);
    });

    it("reports a container whose GID the image decides", async () => {
        const d = deployment("api-gateway", { pod: { securityContext: { ...SECURE_POD_CONTEXT, runAsGroup: undefined } } });
        expect(await problems(highUserAndGroupIds, d)).toEqual([
            'Deployment azora/api-gateway: container "api-gateway" has no runAsGroup (neither on the container nor on the pod), so the image decides it.',
        ]);
    });

    it("reports a low fsGroup and a low supplemental group", async () => {
        const d = deployment("api-gateway", {
            pod: { securityContext: { ...SECURE_POD_CONTEXT, fsGroup: 0, supplementalGroups: [4] } },
        });
        expect(await problems(highUserAndGroupIds, d)).toEqual([
            "Deployment azora/api-gateway: the pod securityContext sets fsGroup 0, below 10000.",
            "Deployment azora/api-gateway: the pod securityContext adds supplemental group 4, below 10000.",
        ]);
    });

    it("takes the minimum from its config", async () => {
        const config: PolicyConfigFile = { "container-high-uid-gid": { minimumId: 20000 } };
        expect(await problems(highUserAndGroupIds, deployment("api-gateway"), config)).toEqual([
            "Deployment azora/api-gateway: the pod securityContext sets fsGroup 10001, below 20000.",
            'Deployment azora/api-gateway: container "api-gateway" runs with runAsUser 10001, below 20000.',
            'Deployment azora/api-gateway: container "api-gateway" runs with runAsGroup 10001, below 20000.',
        ]);
    });
});
