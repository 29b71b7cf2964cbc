// The embedded local stack through the real engine: preview with the policy pack, up (rendering
// to a directory), assertions on the manifests Kubernetes would receive, then a no-op second up.
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../model/catalog";
import { array, list, type Obj, text } from "../json";
import { countByKind, createWorkspace, type Manifest, readRendered, type Workspace } from "./harness";

const passphrase = "azora-local";
let ws: Workspace;
let manifests: Manifest[] = [];
let upOutput = "";

const podSpecOf = (m: Manifest): Obj | undefined => {
    if (!m.spec) return undefined;
    const spec = m.spec as unknown as Obj;
    if (m.kind === "CronJob") return spec.jobTemplate.spec.template.spec;
    if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(m.kind)) return spec.template.spec;
    return undefined;
};
const workloads = () => manifests.filter((m) => podSpecOf(m));
const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);

beforeAll(async () => {
    ws = createWorkspace("azora-local-");
    await ws.initStack("local", passphrase);
});
afterAll(() => ws?.dispose());

describe("local stack with the real engine", () => {
    it("previews with the policy pack and 0 violations", async () => {
        const r = await ws.run(
            ["preview", "--stack", "local", "--policy-pack", "policies", "--policy-pack-config", "policies/config/local.json"],
            { passphrase },
        );
        expect(r.code, r.output).toBe(0);
        expect(r.output).not.toMatch(/mandatory|advisory/i);
    });

    it("up renders every manifest to the stack's directory", async () => {
        const r = await ws.run(["up", "--yes", "--skip-preview", "--stack", "local"], { passphrase });
        upOutput = r.output;
        expect(r.code, r.output).toBe(0);
        manifests = readRendered(path.join(ws.dir, "rendered/local"));
        console.log(`rendered objects by kind: ${JSON.stringify(countByKind(manifests))} (total ${manifests.length})`);
        expect(manifests.length).toBeGreaterThan(150);
    });

    it("writes CRDs-first layout: cert-manager objects under the manifest directory", () => {
        expect(manifests.some((m) => m.file.includes("1-manifest"))).toBe(true);
        expect(find("ClusterIssuer", "azora-selfsigned")).toBeDefined();
        expect(find("Certificate", "api-gateway-tls")).toBeDefined();
    });

    it("renders each service's Deployment, Service, HPA, PDB, NetworkPolicy, ServiceAccount, ConfigMap and Secret", () => {
        for (const s of catalog) {
            for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceAccount"]) {
                expect(find(kind, s.name), `${kind} ${s.name}`).toBeDefined();
            }
            expect(find("ConfigMap", `${s.name}-config`)).toBeDefined();
            expect(find("Secret", `${s.name}-secrets`)).toBeDefined();
        }
    });

    it("renders a per-release migration Job and a backup CronJob for every service with a database", () => {
        for (const s of catalog.filter((c) => c.database)) {
            const jobs = manifests.filter((m) => m.kind === "Job" && m.metadata.name.startsWith(`${s.name}-migrate-`));
            expect(jobs, s.name).toHaveLength(1);
            expect(find("CronJob", `${s.name}-db-backup`)).toBeDefined();
        }
    });

    it("every workload runs restricted: non-root, read-only root, no privilege, seccomp, all capabilities dropped", () => {
        expect(workloads().length).toBeGreaterThan(20);
        for (const w of workloads()) {
            const pod = podSpecOf(w);
            if (!pod) throw new Error(`${w.kind}/${w.metadata.name} has no pod template`);
            const label = `${w.kind}/${w.metadata.name}`;
            expect(pod.securityContext?.runAsNonRoot, label).toBe(true);
            expect(pod.securityContext?.seccompProfile?.type, label).toBe("RuntimeDefault");
            expect(pod.hostNetwork ?? false, label).toBe(false);
            for (const c of [...list(pod.initContainers), ...array(pod.containers)]) {
                expect(c.securityContext?.readOnlyRootFilesystem, `${label}/${text(c.name)}`).toBe(true);
                expect(c.securityContext?.allowPrivilegeEscalation, `${label}/${text(c.name)}`).toBe(false);
                expect(c.securityContext?.capabilities?.drop, `${label}/${text(c.name)}`).toEqual(["ALL"]);
                expect(c.resources?.limits?.memory, `${label}/${text(c.name)}`).toBeDefined();
                expect(text(c.image), `${label}/${text(c.name)}`).not.toMatch(/:latest$/);
            }
        }
    });

    it("the workload namespaces enforce Pod Security restricted and every namespace denies traffic by default", () => {
        const logging = find("Namespace", "azora-logging") as Manifest;
        expect(logging.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
        expect(logging.metadata.labels?.["pod-security.kubernetes.io/warn"]).toBe("restricted");
        expect(workloads().filter((w) => w.metadata.namespace === "azora-logging").map((w) => w.metadata.name)).toEqual([
            "log-shipper",
            "node-exporter",
        ]);
        for (const ns of ["azora", "azora-observability"]) {
            const n = find("Namespace", ns) as Manifest;
            expect(n.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
            const deny = manifests.find((m) => m.kind === "NetworkPolicy" && m.metadata.namespace === ns && m.metadata.name === "default-deny");
            expect((deny?.spec as unknown as Obj | undefined)?.podSelector).toEqual({});
            expect(find("ResourceQuota", "azora-quota")).toBeDefined();
            expect(find("LimitRange", "azora-limits")).toBeDefined();
        }
    });

    it("the edge is a Gateway with an HTTPS listener, one rate-limited HTTPRoute per public route, and no Ingress", () => {
        expect(manifests.filter((m) => m.kind === "Ingress")).toEqual([]);
        const gw = find("Gateway", "api-gateway") as Manifest;
        const listeners = array((gw.spec as unknown as Obj).listeners);
        expect(listeners.map((l) => `${text(l.name)}:${text(l.protocol)}`)).toEqual(["https:HTTPS", "http:HTTP"]);
        for (const route of catalog.find((s) => s.public)?.publicRoutes ?? []) {
            expect(find("HTTPRoute", `api-gateway-${route.name}`), route.name).toBeDefined();
            expect(find("BackendTrafficPolicy", `api-gateway-${route.name}`), route.name).toBeDefined();
        }
        expect(find("HTTPRoute", "api-gateway-http-redirect")).toBeDefined();
        expect(find("ClientTrafficPolicy", "api-gateway")).toBeDefined();
    });

    it("deploys the observability stack: Prometheus, Alertmanager, Grafana, Loki, log shipper, Jaeger, OTel Collector", () => {
        const names = workloads()
            .filter((w) => ["azora-observability", "azora-logging"].includes(w.metadata.namespace ?? ""))
            .map((w) => w.metadata.name);
        expect(names).toEqual(expect.arrayContaining(["prometheus", "alertmanager", "grafana", "loki", "log-shipper", "jaeger", "otel-collector"]));
    });

    it("exports the gateway URL, namespaces and the stack endpoints", async () => {
        const r = await ws.run(["stack", "output", "--json", "--stack", "local"], { passphrase });
        expect(r.code, r.output).toBe(0);
        const out = JSON.parse(r.stdout) as Obj;
        expect(out.gatewayUrl).toBe("https://api.azora.localhost.example");
        expect(out.namespaces).toEqual({ services: "azora", observability: "azora-observability", logging: "azora-logging" });
        expect(Object.keys(out.serviceEndpoints).sort()).toEqual(catalog.map((s) => s.name).sort());
        for (const k of ["grafanaUrl", "prometheusUrl", "alertmanagerUrl", "jaegerUrl"]) expect(out[k]).toMatch(/^http:\/\//);
        expect(out.grafanaAdminPassword).toBe("[secret]");
    });

    it("keeps generated secrets encrypted in the state", async () => {
        const r = await ws.run(["stack", "export", "--stack", "local"], { passphrase });
        expect(r.code, r.output).toBe(0);
        const secret = find("Secret", "auth-service-secrets") as Manifest;
        const value = Buffer.from((secret.data ?? {}).JWT_SIGNING_KEY ?? "", "base64").toString("utf8");
        expect(value).toMatch(/^[A-Za-z0-9]{64}$/);
        expect(r.stdout).not.toContain(value);
    });

    it("a second up reports no changes", async () => {
        expect(upOutput).toMatch(/Resources:/);
        const r = await ws.run(["up", "--yes", "--expect-no-changes", "--stack", "local"], { passphrase });
        expect(r.code, r.output).toBe(0);
        expect(r.output).toMatch(/unchanged/);
        expect(r.output).not.toMatch(/\d+ to (create|update|delete|replace)/);
    });
});
