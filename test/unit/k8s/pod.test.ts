// The one pod builder's promises, on a minimal pod: what it adds to every container and volume, and
// what it refuses.
import { describe, expect, it } from "vitest";
import { hardenedPod, httpProbes, type PodProps } from "../../../components/k8s/pod";

const resources = {
    requests: { cpu: "100m", memory: "128Mi", ephemeralStorage: "64Mi" },
    limits: { cpu: "1", memory: "256Mi", ephemeralStorage: "256Mi" },
};
const base: PodProps = {
    name: "demo",
    serviceAccountName: "demo",
    containers: [{ name: "demo", image: "registry.example/demo:1.0.0", resources }],
};

describe("hardenedPod", () => {
    it("renders ephemeral-storage requests and limits under their Kubernetes name", () => {
        const [c] = hardenedPod(base).containers as { resources: { requests: object; limits: object } }[];
        expect(c.resources.requests).toEqual({ cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" });
        expect(c.resources.limits).toMatchObject({ "ephemeral-storage": "320Mi" });
    });

    it("adds every emptyDir's size limit to the first container's ephemeral-storage limit", () => {
        const pod = hardenedPod({ ...base, volumes: [{ name: "data", emptyDir: { sizeLimit: "1Gi" } }] });
        const [c] = pod.containers as { resources: { limits: Record<string, string> } }[];
        expect(c.resources.limits["ephemeral-storage"]).toBe(`${256 + 64 + 1024}Mi`);
    });

    it("refuses an emptyDir without a size limit, naming the workload and the volume", () => {
        expect(() => hardenedPod({ ...base, volumes: [{ name: "cache", emptyDir: {} }] })).toThrow(
            'demo: emptyDir volume "cache" needs a sizeLimit',
        );
    });

    it("runs every container as UID and GID 10001 unless the workload names its own identity", () => {
        const pod = hardenedPod(base);
        expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
        const [c] = pod.containers as { securityContext: object }[];
        expect(c.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001 });
    });

    it.each([
        ["uid", { uid: 472 }],
        ["gid", { uid: 10472, gid: 472 }],
        ["fsGroup", { uid: 10472, fsGroup: 0 }],
    ])("refuses an identity whose %s a host user or group may have", (field, identity) => {
        expect(() => hardenedPod({ ...base, identity })).toThrow(`demo: identity.${field}`);
    });
});

describe("httpProbes", () => {
    it("refuses a liveness path that is the readiness path", () => {
        expect(() => httpProbes({ liveness: "/ready", readiness: "/ready", startup: "/ready", port: 8080 })).toThrow(
            "liveness must not share readiness's dependency checks",
        );
    });

    it("checks liveness by a TCP connect when asked, readiness and startup over HTTP", () => {
        const p = httpProbes({ liveness: { tcpPort: 4317 }, readiness: "/", startup: "/", port: 13133 });
        expect(p.livenessProbe).toMatchObject({ tcpSocket: { port: 4317 } });
        expect(p.readinessProbe).toMatchObject({ httpGet: { path: "/", port: 13133 } });
    });
});
