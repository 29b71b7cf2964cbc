// The local control plane (scripts/cluster.sh) as the end-to-end tests see it: start it fresh,
// stop it, and read objects back with the real kubectl.
import { clusterCommand, freshCluster, type LocalCluster } from "../../scripts/lib/cluster";

/** The fields of Kubernetes objects the tests read; everything else stays unknown. */
export interface KubeObject {
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        uid: string;
        generation?: number;
        creationTimestamp: string;
        deletionTimestamp?: string;
        labels?: Record<string, string>;
        ownerReferences?: { kind: string; name: string }[];
    };
    spec?: {
        replicas?: number;
        selector?: { matchLabels?: Record<string, string> };
        podSelector?: { matchLabels?: Record<string, string> };
        template?: PodTemplate;
        jobTemplate?: { spec: { template: PodTemplate } };
        scaleTargetRef?: { kind: string; name: string };
        minReplicas?: number;
    };
    status?: {
        conditions?: { type: string; status: string; reason?: string }[];
        replicas?: number;
        readyReplicas?: number;
        availableReplicas?: number;
        updatedReplicas?: number;
        observedGeneration?: number;
        numberReady?: number;
        desiredNumberScheduled?: number;
        completionTime?: string;
        expectedPods?: number;
        currentHealthy?: number;
        desiredHealthy?: number;
        disruptionsAllowed?: number;
        phase?: string;
    };
}

interface PodTemplate {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: { containers?: { name: string; image?: string }[] };
}

interface EndpointSlice {
    endpoints?: { conditions?: { ready?: boolean }; targetRef?: { name?: string } }[];
    ports?: { name?: string; port?: number }[];
}

export interface Cluster {
    kubeconfig: string;
    /** The API server's audit log (docs/cluster/audit-policy.yaml decides what is in it). */
    auditLog: string;
    /** Seconds `scripts/cluster.sh up` took to bring a new cluster to Ready nodes. */
    startSeconds: number;
    kubectl(args: string[]): Promise<string>;
    kubectlRun: LocalCluster["kubectlRun"];
    run: LocalCluster["run"];
    list(kind: string, opts?: { namespace?: string; selector?: string }): Promise<KubeObject[]>;
    endpointSlices(namespace: string, service: string): Promise<EndpointSlice[]>;
    stop(): Promise<void>;
}

/** Deletes any cluster left by an earlier run and starts a new one, building binaries if missing. */
export async function startFreshCluster(): Promise<Cluster> {
    const local = await freshCluster();
    const auditLog = await clusterCommand("audit-log");
    const { kubectl, kubectlRun, run } = local;
    const list = async (kind: string, opts: { namespace?: string; selector?: string } = {}) => {
        const scope = opts.namespace ? ["-n", opts.namespace] : ["--all-namespaces"];
        const selector = opts.selector !== undefined ? ["-l", opts.selector] : [];
        const out = await kubectl(["get", kind, ...scope, ...selector, "-o", "json"]);
        return (JSON.parse(out) as { items: KubeObject[] }).items;
    };
    return {
        kubeconfig: local.kubeconfig,
        auditLog,
        startSeconds: local.startSeconds,
        kubectl,
        kubectlRun,
        run,
        list,
        async endpointSlices(namespace, service) {
            const out = await kubectl(["get", "endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=${service}`, "-o", "json"]);
            return (JSON.parse(out) as { items: EndpointSlice[] }).items;
        },
        stop: local.stop,
    };
}

/** A label selector in kubectl's `-l` syntax; an empty selector selects every pod. */
export function selectorString(matchLabels: Record<string, string> | undefined): string {
    return Object.entries(matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/** Whether a workload's pod labels satisfy a matchLabels selector. */
export function matches(matchLabels: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
    return Object.entries(matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

export const condition = (o: KubeObject, type: string) => o.status?.conditions?.find((c) => c.type === type);
