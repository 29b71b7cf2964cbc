// The one transformation the live suite applies to what the local stack rendered, before the real
// binaries load it (README, "Observability binaries"): a pod's filesystem laid out under a temporary
// directory (its ConfigMap and Secret volumes written as the kubelet would, its other volumes empty),
// and every address the configuration names — in-cluster Service DNS names, and the external
// receivers' origins — replaced by a loopback address the test serves. Prometheus's Kubernetes
// discovery of an in-cluster endpoint is replaced by that endpoint's loopback address carrying the
// metadata labels discovery would attach, so the rendered relabelling still decides the target's
// labels. Nothing else is changed; an address left unmapped is an error, not a silent cluster name.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";

/** A rendered object, as far as laying out a pod reads it (test/integration/harness.ts's Manifest). */
interface Manifest {
    kind: string;
    metadata: { name: string; namespace?: string };
    spec?: Record<string, unknown>;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
}

/** What the configuration names → what the test serves it on. */
export interface Loopback {
    /** `host:port` or a URL origin (`https://hooks.slack.com`) → `127.0.0.1:port` or `http://127.0.0.1:port`. */
    addresses: Record<string, string>;
    /** An absolute path inside the pod → the directory that stands for it. */
    paths: Record<string, string>;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * One pass over `text`, so a replacement is never replaced again (a temporary directory under
 * /tmp is not the pod's /tmp). A path matches only as a whole path or its prefix directory, at
 * the start of a token: /prometheus is not the end of /etc/prometheus.
 */
function replaceAll(text: string, map: Record<string, string>, pathLike: boolean): string {
    const keys = Object.keys(map).sort((a, b) => b.length - a.length);
    if (keys.length === 0) return text;
    const alternatives = keys.map(escapeRegex).join("|");
    const re = pathLike ? new RegExp(`(?<![\\w./-])(${alternatives})(?![\\w.-])`, "g") : new RegExp(`(${alternatives})`, "g");
    return text.replace(re, (m) => map[m]);
}

const inClusterName = /[a-z0-9]([-a-z0-9.]*[a-z0-9])?\.svc\.cluster\.local(:[0-9]+)?/i;

/** Every in-cluster `host[:port]` that `text` names, once each. */
export function inClusterAddresses(text: string): string[] {
    return [...new Set([...text.matchAll(new RegExp(inClusterName.source, "gi"))].map((m) => m[0]))];
}

/** `text` with every mapped address and path replaced; throws on an in-cluster name left over. */
export function toLoopback(text: string, map: Loopback): string {
    const out = replaceAll(replaceAll(text, map.addresses, false), map.paths, true);
    const left = inClusterName.exec(out);
    if (left) throw new Error(`unmapped in-cluster address ${left[0]}: add it to the loopback map`);
    return out;
}

/** The labels Kubernetes EndpointSlice discovery attaches to one endpoint, which the rendered relabelling reads. */
export interface DiscoveredEndpoint {
    address: string;
    namespace: string;
    service: string;
    port: number;
    pod: string;
    container: string;
    node?: string;
}

/** The value of `--flag=value` among a container's args. */
export function argValue(args: string[], flag: string): string {
    const a = args.find((x) => x.startsWith(`${flag}=`));
    if (!a) throw new Error(`no ${flag} among ${args.join(" ")}`);
    return a.slice(flag.length + 1);
}

/** The Alertmanager addresses prometheus.yml sends to (its static `alerting.alertmanagers` targets). */
export function alertmanagerTargets(prometheusYml: string): string[] {
    const c = parse(prometheusYml) as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    return c.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets));
}

/** Rewrites the scrape jobs of the laid-out prometheus.yml (discoverOnLoopback or discoverThroughKubeconfig). */
export function rewriteScrapeConfigs(configFile: string, rewrite: (jobs: ScrapeConfig[]) => ScrapeConfig[]): void {
    const config = parse(readFileSync(configFile, "utf8")) as { scrape_configs: ScrapeConfig[] };
    config.scrape_configs = rewrite(config.scrape_configs);
    writeFileSync(configFile, stringify(config));
}

interface ScrapeConfig {
    job_name: string;
    kubernetes_sd_configs?: unknown[];
    static_configs?: unknown[];
    [key: string]: unknown;
}

/**
 * Each job's Kubernetes discovery replaced by the endpoints the test serves for it (none for a job
 * the test does not serve: the job stays, with no target). Every other key of the job is kept.
 */
export function discoverOnLoopback(
    scrapeConfigs: ScrapeConfig[],
    endpoints: Record<string, DiscoveredEndpoint[]>,
): ScrapeConfig[] {
    return scrapeConfigs.map((job) => {
        const { kubernetes_sd_configs: discovery, ...rest } = job;
        if (!discovery) return job;
        const served = endpoints[job.job_name] ?? [];
        if (served.length === 0) return rest;
        return {
            ...rest,
            static_configs: served.map((e) => ({
                targets: [e.address],
                labels: {
                    __meta_kubernetes_namespace: e.namespace,
                    __meta_kubernetes_service_name: e.service,
                    __meta_kubernetes_endpointslice_port: String(e.port),
                    __meta_kubernetes_pod_name: e.pod,
                    __meta_kubernetes_pod_container_name: e.container,
                    ...(e.node ? { __meta_kubernetes_pod_node_name: e.node } : {}),
                },
            })),
        };
    });
}

interface Container {
    name: string;
    args?: string[];
    ports?: { containerPort: number }[];
    readinessProbe?: { httpGet?: { path: string; port: number } };
    env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
    volumeMounts?: { name: string; mountPath: string }[];
}
interface Volume {
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
    projected?: { sources: { configMap?: { name: string }; secret?: { name: string } }[] };
}

/** A pod of a rendered workload laid out under `root`: its args, env and the path map of its mounts. */
export interface LoopbackPod {
    args: string[];
    env: Record<string, string>;
    paths: Record<string, string>;
    /** The container's ports, as it declares them. */
    ports: number[];
    /** The readiness probe's HTTP GET, when it has one. */
    readiness?: { path: string; port: number };
}

/**
 * Lays out the volumes of `container` in workload `name`'s pod (a StatefulSet's pod 0) under `root`, as the kubelet
 * would mount them: ConfigMap and Secret keys as files (through `map`, so addresses inside them
 * are mapped too), anything else an empty directory. Env from the downward API: the pod's name and
 * 127.0.0.1 for its IP.
 */
export function layOutPod(
    manifests: Manifest[],
    name: string,
    containerName: string,
    root: string,
    map: Omit<Loopback, "paths">,
    /** Directories the kubelet mounts without a volumeMount (the ServiceAccount token): path → files. */
    automounted: Record<string, Record<string, string>> = {},
): LoopbackPod {
    const sts = manifests.find((m) => ["StatefulSet", "Deployment", "DaemonSet"].includes(m.kind) && m.metadata.name === name);
    if (!sts) throw new Error(`no StatefulSet, Deployment or DaemonSet ${name} rendered`);
    const spec = (sts.spec as { template: { spec: { containers: Container[]; volumes?: Volume[] } } }).template.spec;
    const container = spec.containers.find((c) => c.name === containerName);
    if (!container) throw new Error(`StatefulSet ${name} has no container ${containerName}`);
    const data = (kind: string, objectName: string): Record<string, string> => {
        const obj = manifests.find(
            (m) => m.kind === kind && m.metadata.name === objectName && m.metadata.namespace === sts.metadata.namespace,
        );
        if (!obj) throw new Error(`StatefulSet ${name} mounts ${kind} ${objectName}, which was not rendered`);
        if (kind === "ConfigMap") return obj.data ?? {};
        const decoded = Object.fromEntries(
            Object.entries(obj.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
        );
        return { ...decoded, ...(obj.stringData ?? {}) };
    };
    const paths: Record<string, string> = {};
    for (const mount of container.volumeMounts ?? []) paths[mount.mountPath] = path.join(root, mount.mountPath);
    for (const [dir, files] of Object.entries(automounted)) {
        paths[dir] = path.join(root, dir);
        mkdirSync(paths[dir], { recursive: true });
        for (const [key, text] of Object.entries(files)) writeFileSync(path.join(paths[dir], key), text);
    }
    const pathMap = { ...map, paths };
    for (const mount of container.volumeMounts ?? []) {
        const dir = paths[mount.mountPath];
        mkdirSync(dir, { recursive: true });
        const volume = (spec.volumes ?? []).find((v) => v.name === mount.name);
        const sources = [
            ...(volume?.configMap ? [data("ConfigMap", volume.configMap.name)] : []),
            ...(volume?.secret ? [data("Secret", volume.secret.secretName)] : []),
            ...(volume?.projected?.sources ?? []).map((s) =>
                s.configMap ? data("ConfigMap", s.configMap.name) : s.secret ? data("Secret", s.secret.name) : {},
            ),
        ];
        for (const files of sources)
            for (const [key, text] of Object.entries(files)) writeFileSync(path.join(dir, key), toLoopback(text, pathMap));
    }
    const podName = `${name}-0`;
    const env = Object.fromEntries(
        (container.env ?? []).map((e) => {
            const field = e.valueFrom?.fieldRef?.fieldPath;
            const value = field === "metadata.name" ? podName : field === "status.podIP" ? "127.0.0.1" : (e.value ?? "");
            return [e.name, value];
        }),
    );
    return {
        args: (container.args ?? []).map((a) => toLoopback(a, pathMap)),
        env,
        paths,
        ports: (container.ports ?? []).map((p) => p.containerPort),
        ...(container.readinessProbe?.httpGet ? { readiness: container.readinessProbe.httpGet } : {}),
    };
}

/** The container's `--web.listen-address` (`:9090`, all interfaces in the pod) bound to a loopback port instead. */
export function listenOnLoopback(args: string[], port: number): string[] {
    const flag = "--web.listen-address=";
    if (!args.some((a) => a.startsWith(flag))) throw new Error(`no ${flag} among ${args.join(" ")}`);
    return args.map((a) => (a.startsWith(flag) ? `${flag}127.0.0.1:${port}` : a));
}

/**
 * Each job's Kubernetes discovery pointed at a cluster through `kubeconfig` (the test's, in place of
 * the in-cluster ServiceAccount Prometheus uses in a pod); everything else of the job kept.
 */
export function discoverThroughKubeconfig(scrapeConfigs: ScrapeConfig[], kubeconfig: string): ScrapeConfig[] {
    return scrapeConfigs.map((job) =>
        job.kubernetes_sd_configs
            ? {
                  ...job,
                  kubernetes_sd_configs: job.kubernetes_sd_configs.map((sd) => ({
                      ...(sd as object),
                      kubeconfig_file: kubeconfig,
                  })),
              }
            : job,
    );
}

const allInterfaces = "0.0.0.0";

/**
 * The listeners of an OpenTelemetry Collector distribution's configuration (the Collector's, Jaeger's)
 * bound to loopback: in a pod each binds all interfaces of its own network namespace, on one host
 * two pods would share ports, so every `endpoint: 0.0.0.0:P` and every telemetry reader's
 * `host: 0.0.0.0` with `port: P` becomes 127.0.0.1 on `ports[P]`. A listener on a port the map does
 * not name is an error; nothing else of the file changes.
 */
export function bindOnLoopback(configFile: string, ports: Record<number, number>): void {
    const moved = (port: number): number => {
        const to = ports[port];
        if (to === undefined)
            throw new Error(`${configFile} listens on ${allInterfaces}:${port}: add the port to the loopback map`);
        return to;
    };
    const walk = (node: unknown): unknown => {
        if (Array.isArray(node)) return node.map(walk);
        if (node === null || typeof node !== "object") return node;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(node)) out[k] = walk(v);
        if (typeof out.endpoint === "string" && out.endpoint.startsWith(`${allInterfaces}:`))
            out.endpoint = `127.0.0.1:${moved(Number(out.endpoint.slice(allInterfaces.length + 1)))}`;
        if (out.host === allInterfaces && typeof out.port === "number") {
            out.host = "127.0.0.1";
            out.port = moved(out.port);
        }
        return out;
    };
    writeFileSync(configFile, stringify(walk(parse(readFileSync(configFile, "utf8"))), { lineWidth: 0 }));
}
