// The log shipper: the stack's one exemption is exactly a read-only hostPath plus group 0, and
// nothing else of the restricted profile is relaxed.
import { beforeAll, describe, expect, it } from "vitest";
import { alloyConfig, LogShipper, logShipperExemption } from "../../../components/observability/log-shipper";
import { images } from "../../../components/observability/images";
import { type LogSignal, logSignalMetric, logSignals } from "../../../model/log-events";
import {
    configText,
    container,
    list,
    object,
    Obj,
    podSpec,
    recordResources,
    selectorOf,
    settle,
    strings,
    T,
    text,
} from "../harness";

const ns = "azora-observability";
const push = `http://loki.${ns}.svc.cluster.local:3100/loki/api/v1/push`;
const resources = recordResources();

beforeAll(async () => {
    new LogShipper("log-shipper", { namespace: ns, environment: "dev", lokiPushUrl: push });
    await settle(resources);
});

const ds = (): Obj => object(resources, T.daemonSet, "log-shipper");

describe("log shipper exemption", () => {
    it("mounts only /var/log/pods from the host, read-only", () => {
        const hostPaths = list(podSpec(ds()).volumes).filter((v) => v.hostPath !== undefined);
        expect(hostPaths).toEqual([{ name: "pod-logs", hostPath: { path: "/var/log/pods", type: "Directory" } }]);
        expect(list(container(ds()).volumeMounts).find((m) => text(m.name) === "pod-logs")).toEqual({
            name: "pod-logs",
            mountPath: "/var/log/pods",
            readOnly: true,
        });
    });

    it("runs as the image's non-root alloy user, reading root-group log files through supplementary group 0", () => {
        expect(podSpec(ds()).securityContext).toMatchObject({
            runAsNonRoot: true,
            runAsUser: images.alloy.uid,
            runAsGroup: images.alloy.uid,
            supplementalGroups: [0],
        });
        expect(container(ds()).securityContext).toMatchObject({
            runAsNonRoot: true,
            privileged: false,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
    });

    it("describes itself as the policy pack's exemption entry, with a reason", () => {
        expect(logShipperExemption).toMatchObject({ kind: "DaemonSet", name: "log-shipper" });
        expect(logShipperExemption.hostPaths).toEqual([{ path: "/var/log/pods", readOnly: true }]);
        expect(logShipperExemption.reason.length).toBeGreaterThan(80);
    });
});

describe("log shipper workload", () => {
    it("runs on every node, tainted or not", () => {
        expect(podSpec(ds()).tolerations).toEqual([{ operator: "Exists" }]);
    });

    it("keeps its read positions in its own emptyDir", () => {
        expect(list(podSpec(ds()).volumes).find((v) => text(v.name) === "storage")?.emptyDir).toEqual({ sizeLimit: "256Mi" });
        expect(strings(container(ds()).args)).toContain("--storage.path=/var/lib/alloy/data");
    });

    it("serves health and metrics on the port Prometheus scrapes", () => {
        expect(strings(container(ds()).args)).toContain("--server.http.listen-addr=0.0.0.0:2020");
        expect(container(ds()).readinessProbe.httpGet).toEqual({ path: "/-/ready", port: 2020 });
        expect(object(resources, T.service, "log-shipper").spec.ports[0].port).toBe(2020);
    });

    it("talks to Loki only, and is scraped by Prometheus only", () => {
        const np = object(resources, T.networkPolicy, "log-shipper");
        expect(np.spec.egress).toEqual([
            { to: [{ podSelector: { matchLabels: selectorOf("loki") } }], ports: [{ protocol: "TCP", port: 3100 }] },
        ]);
        expect(np.spec.ingress).toEqual([
            { from: [{ podSelector: { matchLabels: selectorOf("prometheus") } }], ports: [{ protocol: "TCP", port: 2020 }] },
        ]);
    });
});

describe("log shipper pipeline", () => {
    const config = (): string => configText(resources, "log-shipper-config", "config.alloy");

    it("tails every container log under /var/log/pods and pushes to Loki", () => {
        expect(config()).toContain('{"__path__" = "/var/log/pods/*/*/*.log"}');
        expect(config()).toContain(`url = "${push}"`);
        expect(config()).toContain("stage.cri {}");
    });

    it("labels streams with namespace, pod, container and app, and drops the file name", () => {
        expect(config()).toMatch(/stage\.labels \{\s+values = \{ app = "" \}/);
        expect(config()).toMatch(/stage\.labels \{\s+values = \{\s+namespace = "",\s+pod\s+= "",\s+container = "",/);
        expect(config()).toContain('values = ["filename"]');
    });

    it('files a JSON line with "audit": true under stream=audit, every other line under stream=app', () => {
        const text = alloyConfig(push, "dev");
        expect(text).toMatch(/expressions = \{ audit_event = "audit"[,}]/);
        expect(text).toContain('template = "{{ if eq .audit_event \\"true\\" }}audit{{ else }}app{{ end }}"');
        expect(text).toMatch(/stage\.labels \{[^}]*stream = ""/s);
    });

    it("reads the log contract's fields from each JSON line", () => {
        expect(alloyConfig(push, "dev")).toContain(
            'expressions = { audit_event = "audit", level = "level", event = "event", outcome = "outcome", client = "client_ip" }',
        );
    });

    it("counts error lines and security events into the counters the log alerts read", () => {
        const text = alloyConfig(push, "dev");
        for (const signal of Object.keys(logSignals) as LogSignal[]) {
            const c = logSignals[signal];
            expect(`${/prefix\s+= "([^"]+)"/.exec(text)?.[1] ?? ""}${c.name}`).toBe(logSignalMetric(signal));
            expect(text).toMatch(
                new RegExp(`name\\s+= "${c.name}"[^}]*source\\s+= "signal_${c.name}"[^}]*max_idle_duration = "${c.idle}"`, "s"),
            );
        }
        expect(text).toContain('template = "{{ if eq .level \\"error\\" \\"fatal\\" }}true{{ end }}"');
        expect(text).toContain(
            'template = "{{ if and (eq .event \\"auth_attempt\\") (eq .outcome \\"failed\\") }}true{{ end }}"',
        );
        expect(text).toContain('template = "{{ if eq .event \\"access_denied\\" }}true{{ end }}"');
    });

    it("counts per service while the entry carries only the service label, per client with the client too, and never ships the client to Loki", () => {
        const text = alloyConfig(push, "dev");
        const at = (needle: string | RegExp): number => (typeof needle === "string" ? text.indexOf(needle) : text.search(needle));
        const appOnly = at(/values = \{ app = "" \}/);
        const noFile = at('values = ["filename"]');
        const perService = at('name              = "error_lines_total"');
        const client = at(/values = \{ client = "client" \}/);
        const perClient = at('name              = "auth_failures_total"');
        const clientDropped = at('values = ["client"]');
        const streamLabels = at(/namespace = "",/);
        expect([appOnly, noFile, perService, client, perClient, clientDropped, streamLabels].every((i) => i > 0)).toBe(true);
        expect(appOnly).toBeLessThan(perService);
        expect(noFile).toBeLessThan(perService);
        expect(perService).toBeLessThan(client);
        expect(client).toBeLessThan(perClient);
        expect(perClient).toBeLessThan(clientDropped);
        expect(clientDropped).toBeLessThan(streamLabels);
    });

    it("extracts namespace, pod and container from a CRI log path", () => {
        const expr = /expression = "(\^\/var\/log\/pods[^"]+)"/.exec(alloyConfig(push, "dev"))?.[1] ?? "";
        const re = new RegExp(expr.replace(/\\\\/g, "\\").replace(/\(\?P</g, "(?<"));
        const m = re.exec(
            "/var/log/pods/azora_api-gateway-7c9d8b6f5-q2w4z_0b5e6c1e-1d2f-4a3b-9c8d-7e6f5a4b3c2d/api-gateway/0.log",
        );
        expect(m?.groups).toEqual({ namespace: "azora", pod: "api-gateway-7c9d8b6f5-q2w4z", container: "api-gateway" });
    });

    it("derives app from Deployment, StatefulSet and DaemonSet pod names", () => {
        const expr = /source\s+= "pod"\s+expression = "([^"]+)"/.exec(alloyConfig(push, "dev"))?.[1] ?? "";
        const re = new RegExp(expr.replace(/\(\?P</g, "(?<"));
        const app = (pod: string): string | undefined => re.exec(pod)?.groups?.app;
        expect(app("api-gateway-7c9d8b6f5-q2w4z")).toBe("api-gateway");
        expect(app("azora-mint-5d8f7b9c6d-x7k2p")).toBe("azora-mint");
        expect(app("alertmanager-2")).toBe("alertmanager");
        expect(app("log-shipper-x7k2p")).toBe("log-shipper");
    });
});
