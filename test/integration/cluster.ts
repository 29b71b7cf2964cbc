// The local control plane (scripts/cluster.sh) as the end-to-end tests see it: start it fresh,
// stop it, and read objects back with the real kubectl.
import * as path from "path";
import { repoRoot, runCommand } from "./harness";

const clusterDir = process.env.AZORA_CLUSTER_DIR ?? path.join(process.env.HOME ?? "/root", ".cache/azora-platform/cluster");
const script = path.join(repoRoot, "scripts/cluster.sh");

/** The fields of Kubernetes objects the tests read; everything else stays unknown. */
export interface KubeObject {
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        uid: string;
        generation?: number;
        creationTimestamp: string;
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
        disruptionsAllowed?: number;
        phase?: string;
    };
}

interface PodTemplate {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
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
    list(kind: string, opts?: { namespace?: string; selector?: string }): Promise<KubeObject[]>;
    endpointSlices(namespace: string, service: string): Promise<EndpointSlice[]>;
    stop(): Promise<void>;
}

async function cluster(command: string): Promise<string> {
    const r = await runCommand("bash", [script, command], repoRoot, process.env);
    if (r.code !== 0) throw new Error(`scripts/cluster.sh ${command} failed (exit ${r.code}):\n${r.output}`);
    return r.stdout.trim();
}

/** Deletes any cluster left by an earlier run and starts a new one, building binaries if missing. */
export async function startFreshCluster(): Promise<Cluster> {
    await cluster("down");
    const started = Date.now();
    await cluster("up");
    const startSeconds = (Date.now() - started) / 1000;
    const kubeconfig = await cluster("kubeconfig");
    const auditLog = await cluster("audit-log");
    const env = { ...process.env, KUBECONFIG: kubeconfig, PATH: `${path.join(clusterDir, "bin")}:${process.env.PATH}` };

    const kubectl = async (args: string[]) => {
        const r = await runCommand("kubectl", args, repoRoot, env);
        if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (exit ${r.code}):\n${r.output}`);
        return r.stdout;
    };
    const list = async (kind: string, opts: { namespace?: string; selector?: string } = {}) => {
        const scope = opts.namespace ? ["-n", opts.namespace] : ["--all-namespaces"];
        const selector = opts.selector !== undefined ? ["-l", opts.selector] : [];
        const out = await kubectl(["get", kind, ...scope, ...selector, "-o", "json"]);
        return (JSON.parse(out) as { items: KubeObject[] }).items;
    };
    return {
        kubeconfig,
        auditLog,
        startSeconds,
        kubectl,
        list,
        async endpointSlices(namespace, service) {
            const out = await kubectl(["get", "endpointslices", "-n", namespace, "-l", `kubernetes.io/service-name=${service}`, "-o", "json"]);
            return (JSON.parse(out) as { items: EndpointSlice[] }).items;
        },
        async stop() {
            await cluster("down");
        },
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
