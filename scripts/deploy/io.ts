// The I/O of the deploy verification and rollback (verify.ts, last-good.ts): the pulumi and kubectl
// commands they read the stack and the cluster with, each failing with the command and its stderr.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type PrometheusAlert, serviceProxyPath, type Workload } from "./verdict";

const exec = promisify(execFile);

/** stdout of `command args…`; a non-zero exit throws with the command line and what it printed on stderr. */
export async function run(command: string, args: readonly string[]): Promise<string> {
    try {
        return (await exec(command, args, { maxBuffer: 256 * 1024 * 1024 })).stdout;
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`${command} ${args.join(" ")} failed: ${(err.stderr ?? "").trim() || err.message}`, {
            cause: e,
        });
    }
}

/** The stack outputs verify.ts reads (index.ts exports them). */
export interface StackOutputs {
    gatewayUrl: string;
    prometheusUrl: string;
    namespaces: Record<string, string>;
}

export async function stackOutputs(stack: string): Promise<StackOutputs> {
    return JSON.parse(await run("pulumi", ["stack", "output", "--json", "--stack", stack])) as StackOutputs;
}

/** Every Deployment, StatefulSet and DaemonSet of `namespace`. */
export async function workloads(namespace: string): Promise<Workload[]> {
    const list = JSON.parse(
        await run("kubectl", ["get", "deployments,statefulsets,daemonsets", "-n", namespace, "-o", "json"]),
    ) as {
        items: Workload[];
    };
    return list.items;
}

/** The name and first container image of every Deployment in the stack's state. */
export async function stateDeployments(stack: string): Promise<{ name: string; image: string }[]> {
    const exported = JSON.parse(await run("pulumi", ["stack", "export", "--stack", stack])) as {
        deployment: { resources?: { type: string; outputs?: { metadata?: { name?: string }; spec?: unknown } }[] };
    };
    return (exported.deployment.resources ?? [])
        .filter((r) => r.type === "kubernetes:apps/v1:Deployment" && r.outputs?.metadata?.name)
        .map((r) => {
            const spec = r.outputs?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
            return { name: r.outputs?.metadata?.name ?? "", image: spec?.template?.spec?.containers?.[0]?.image ?? "" };
        });
}

/** Where Prometheus's HTTP API is read: at a URL, or through the API server's service proxy to an in-cluster Service URL. */
export type PrometheusAt = { url: string } | { throughApiServer: string };

/** Prometheus's `GET /api/v1/alerts` (through the proxy with `kubectl get --raw` and the deploy's kubeconfig). */
export async function prometheusAlerts(at: PrometheusAt): Promise<PrometheusAlert[]> {
    const body =
        "url" in at
            ? await (async () => {
                  const res = await fetch(new URL("/api/v1/alerts", at.url), { signal: AbortSignal.timeout(10_000) });
                  if (!res.ok) throw new Error(`HTTP ${res.status} from ${at.url}`);
                  return res.text();
              })()
            : await run("kubectl", ["get", "--raw", serviceProxyPath(at.throughApiServer, "/api/v1/alerts")]);
    const parsed = JSON.parse(body) as { status: string; data?: { alerts: PrometheusAlert[] } };
    if (parsed.status !== "success" || !parsed.data)
        throw new Error(`unexpected answer from /api/v1/alerts: ${body.slice(0, 200)}`);
    return parsed.data.alerts;
}
