// The local control plane (scripts/cluster.sh) for what drives it from TypeScript — the end-to-end
// tests (test/integration/cluster.ts) and the deploy bench (scripts/bench/runner/deploys.ts): start
// a new one, run the pinned kubectl against it, delete it.
import * as path from "path";
import { repoRoot, runCommand, type RunResult } from "./workspace";

const clusterDir = process.env.AZORA_CLUSTER_DIR ?? path.join(process.env.HOME ?? "/root", ".cache/azora-platform/cluster");
const script = path.join(repoRoot, "scripts/cluster.sh");

/** Where `scripts/cluster.sh build` puts a pinned binary of the cluster's set (kubectl, egctl, …). */
export const clusterBinary = (name: string) => path.join(clusterDir, "bin", name);

export interface LocalCluster {
    kubeconfig: string;
    /** Seconds `scripts/cluster.sh up` took to bring a new cluster to Ready nodes. */
    startSeconds: number;
    /** kubectl's stdout; throws with its output on a non-zero exit. */
    kubectl: (args: string[]) => Promise<string>;
    /** kubectl's exit code, stdout and stderr, whatever the exit (a drain's retries are on stderr). */
    kubectlRun: (args: string[]) => Promise<RunResult>;
    /** A binary of the cluster's pinned set (e.g. egctl) with the cluster's kubeconfig: its exit code and output. */
    run: (command: string, args: string[]) => Promise<RunResult>;
    stop: () => Promise<void>;
}

/** `bash scripts/cluster.sh COMMAND`'s stdout; throws with its output on failure. */
export async function clusterCommand(command: string): Promise<string> {
    const r = await runCommand("bash", [script, command], repoRoot, process.env);
    if (r.code !== 0) throw new Error(`scripts/cluster.sh ${command} failed (exit ${r.code}):\n${r.output}`);
    return r.stdout.trim();
}

/** Deletes any cluster left by an earlier run and starts a new one, building binaries if missing. */
export async function freshCluster(): Promise<LocalCluster> {
    await clusterCommand("down");
    const started = Date.now();
    await clusterCommand("up");
    const startSeconds = (Date.now() - started) / 1000;
    const kubeconfig = await clusterCommand("kubeconfig");
    // kubectl runs with the cluster's kubeconfig and the pinned binaries first on PATH.
    const env = { ...process.env, KUBECONFIG: kubeconfig, PATH: `${path.join(clusterDir, "bin")}:${process.env.PATH}` };
    return {
        kubeconfig,
        startSeconds,
        run: (command, args) => runCommand(command, args, repoRoot, env),
        kubectlRun: (args) => runCommand("kubectl", args, repoRoot, env),
        kubectl: async (args) => {
            const r = await runCommand("kubectl", args, repoRoot, env);
            if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (exit ${r.code}):\n${r.output}`);
            return r.stdout;
        },
        stop: async () => {
            await clusterCommand("down");
        },
    };
}

/** `use` run against a new cluster, which is deleted afterwards whatever `use` does. */
export async function withFreshCluster<T>(use: (cluster: LocalCluster) => Promise<T>): Promise<T> {
    const cluster = await freshCluster();
    try {
        return await use(cluster);
    } finally {
        await cluster.stop();
    }
}
