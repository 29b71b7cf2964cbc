// The observability stack's upstream images: one pinned tag each, with the multi-arch index digest
// that tag resolved to. Every digest below was found pinned to exactly that tag in more than one
// independent public repository; none is derived or guessed. Bump tag and digest together.

export interface ImagePin {
    /** Registry and repository, no tag. */
    repository: string;
    tag: string;
    /** Digest of the tag's image index (sha256:<64 hex>); undefined only while no verified digest is known. */
    digest?: string;
    /**
     * The UID (and GID) the pod runs as: at least 10000, so it is no host user's (not even `nobody`,
     * 65534), and one the image runs as. Each of these images runs as any UID once its only writable
     * directories are volumes (owned by the pod's fsGroup = this GID), so where the image's own USER is
     * below 10000 or `nobody`, the workload gets its own UID instead.
     */
    uid: number;
}

export const images = {
    prometheus: {
        repository: "quay.io/prometheus/prometheus",
        tag: "v3.5.0",
        digest: "sha256:63805ebb8d2b3920190daf1cb14a60871b16fd38bed42b857a3182bc621f4996",
        uid: 10002, // the image's USER is nobody (65534); it writes only /prometheus, a volume
    },
    alertmanager: {
        repository: "quay.io/prometheus/alertmanager",
        tag: "v0.28.1",
        digest: "sha256:27c475db5fb156cab31d5c18a4251ac7ed567746a2483ff264516437a39b15ba",
        uid: 10003, // the image's USER is nobody (65534); it writes only /alertmanager, a volume
    },
    grafana: {
        repository: "docker.io/grafana/grafana",
        tag: "12.1.1",
        digest: "sha256:a1701c2180249361737a99a01bc770db39381640e4d631825d38ff4535efa47d",
        uid: 10472, // the image's GF_UID is 472; its writable paths (data, plugins under it) are a volume, logs go to the console
    },
    loki: {
        repository: "docker.io/grafana/loki",
        tag: "3.5.3",
        digest: "sha256:3165cecce301ce5b9b6e3530284b080934a05cd5cafac3d3d82edcb887b45ecd",
        uid: 10001, // USER 10001 (loki)
    },
    alloy: {
        repository: "docker.io/grafana/alloy",
        tag: "v1.10.2",
        digest: "sha256:bcf27f18c4402869af112fb39e35e1db3804a404686f4caa20bdf77814219223",
        uid: 10473, // the image's `alloy` user is 473 (its default is root; never run so); it writes only its storage emptyDir
    },
    jaeger: {
        repository: "docker.io/jaegertracing/jaeger",
        tag: "2.21.0",
        digest: "sha256:3d0ac795ff98aa04d1be04311d2dac6c25b4bfc8322dc02e53bc5b170c5018c3",
        uid: 10001, // USER ${USER_UID}=10001
    },
    otelCollector: {
        repository: "docker.io/otel/opentelemetry-collector-contrib",
        // 0.148.0: the oldest release whose every component the configuration uses the Go module proxy
        // serves, so scripts/observability.sh builds the same release the cluster runs.
        tag: "0.148.0",
        digest: "sha256:8164eab2e6bca9c9b0837a8d2f118a6618489008a839db7f9d6510e66be3923c",
        uid: 10001, // USER 10001:10001
    },
    kubeStateMetrics: {
        repository: "registry.k8s.io/kube-state-metrics/kube-state-metrics",
        // v2.15.0, not a later v2.x: the newest tag whose index digest is pinned in more than one
        // independent public repository (later tags were found by tag only, or once).
        tag: "v2.15.0",
        digest: "sha256:db384bf43222b066c378e77027a675d4cd9911107adba46c2922b3a55e10d6fb",
        uid: 10004, // the image's USER is nobody (65534); it writes nothing
    },
    nodeExporter: {
        repository: "quay.io/prometheus/node-exporter",
        tag: "v1.9.1",
        digest: "sha256:d00a542e409ee618a4edc67da14dd48c5da66726bbd5537ab2af9c1dfc442c8a",
        uid: 10005, // the image's USER is nobody (65534); it writes nothing and reads world-readable /proc and /sys
    },
} as const satisfies Record<string, ImagePin>;

/** `repository:tag@digest` when the digest is known, else `repository:tag`. */
export function imageRef(pin: ImagePin): string {
    return pin.digest ? `${pin.repository}:${pin.tag}@${pin.digest}` : `${pin.repository}:${pin.tag}`;
}
