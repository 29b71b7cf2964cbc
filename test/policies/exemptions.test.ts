import { describe, expect, it } from "vitest";

import { referenceMatches } from "../../policies/lib/k8s";
import { deploymentHasHpa } from "../../policies/rules/availability";
import { tokenNotAutomounted } from "../../policies/rules/service-accounts";
import { noHostPath, runAsNonRoot } from "../../policies/rules/pod-security";
import { deployment, SECURE_POD_CONTEXT, workload } from "./fixtures";
import { loadConfigFile, PolicyConfigFile, problems, runResourcePolicy } from "./harness";

const OBS = "azora-observability";

function logShipper(opts: { name?: string; namespace?: string; runAsRoot?: boolean } = {}) {
    return workload("DaemonSet", opts.name ?? "log-shipper", {
        namespace: opts.namespace ?? OBS,
        pod: {
            volumes: [{ name: "tmp", emptyDir: {} }, { name: "varlog", hostPath: { path: "/var/log" } }],
            ...(opts.runAsRoot ? { securityContext: { ...SECURE_POD_CONTEXT, runAsUser: 0 } } : {}),
        },
        container: { volumeMounts: [{ name: "varlog", mountPath: "/var/log", readOnly: true }] },
    });
}

const EXEMPT_LOG_SHIPPER: PolicyConfigFile = {
    "pss-no-host-path": { exemptions: [{ resource: `DaemonSet/${OBS}/log-shipper`, reason: "tails node logs read-only" }] },
};

describe("exemptions", () => {
    it("exempt the named object from the named policy when they carry a reason", async () => {
        expect(await problems(noHostPath, logShipper(), EXEMPT_LOG_SHIPPER)).toEqual([]);
    });

    it("do not exempt another object from the same policy", async () => {
        expect(await problems(noHostPath, logShipper({ name: "node-agent" }), EXEMPT_LOG_SHIPPER)).toEqual([
            `DaemonSet ${OBS}/node-agent: volume "varlog" mounts hostPath /var/log.`,
        ]);
    });

    it("do not exempt a same-named object in another namespace", async () => {
        expect(await problems(noHostPath, logShipper({ namespace: "azora" }), EXEMPT_LOG_SHIPPER)).toHaveLength(1);
    });

    it("do not exempt a same-named object of another kind", async () => {
        const d = deployment("log-shipper", { namespace: OBS, pod: { volumes: [{ name: "varlog", hostPath: { path: "/var/log" } }] } });
        expect(await problems(noHostPath, d, EXEMPT_LOG_SHIPPER)).toHaveLength(1);
    });

    it("do not exempt the named object from any other policy", async () => {
        expect(await problems(runAsNonRoot, logShipper({ runAsRoot: true }), EXEMPT_LOG_SHIPPER)).toEqual([
            `DaemonSet ${OBS}/log-shipper: the pod securityContext sets runAsUser to 0 (root).`,
        ]);
    });

    it("without a reason are reported and exempt nothing", async () => {
        const config: PolicyConfigFile = { "pss-no-host-path": { exemptions: [{ resource: `DaemonSet/${OBS}/log-shipper` }] } };
        expect(await problems(noHostPath, logShipper(), config)).toEqual([
            `DaemonSet ${OBS}/log-shipper: the exemption "DaemonSet/${OBS}/log-shipper" from policy pss-no-host-path has no reason, so it exempts nothing and the policy still applies.`,
            `DaemonSet ${OBS}/log-shipper: volume "varlog" mounts hostPath /var/log.`,
        ]);
    });

    it("with a blank reason are reported like a missing one", async () => {
        const config: PolicyConfigFile = { "pss-no-host-path": { exemptions: [{ resource: `DaemonSet/${OBS}/log-shipper`, reason: "   " }] } };
        expect(await problems(noHostPath, logShipper(), config)).toHaveLength(2);
    });

    it("without a reason are reported by stack policies on the object they name, once", async () => {
        const config: PolicyConfigFile = { "availability-deployment-has-hpa": { exemptions: [{ resource: "Deployment/azora/grafana", reason: "" }] } };
        expect(await problems(deploymentHasHpa, [deployment("grafana")], config)).toEqual([
            'Deployment azora/grafana: the exemption "Deployment/azora/grafana" from policy availability-deployment-has-hpa has no reason, so it exempts nothing and the policy still applies.',
            "Deployment azora/grafana: is not the scaleTargetRef of any HorizontalPodAutoscaler.",
        ]);
    });

    it("exempt a stack policy's subject when they carry a reason", async () => {
        const config: PolicyConfigFile = {
            "availability-deployment-has-hpa": { exemptions: [{ resource: "Deployment/azora/grafana", reason: "single-writer SQLite" }] },
        };
        expect(await problems(deploymentHasHpa, [deployment("grafana"), deployment("api-gateway")], config)).toEqual([
            "Deployment azora/api-gateway: is not the scaleTargetRef of any HorizontalPodAutoscaler.",
        ]);
    });

    it("report the violation on the exempted object's URN", async () => {
        const config: PolicyConfigFile = { "pss-no-host-path": { exemptions: [{ resource: "log-shipper" }] } };
        const [v] = await runResourcePolicy(noHostPath, logShipper(), config);
        expect(v.urn).toBe("urn:pulumi:test::azora-platform::kubernetes:apps/v1:DaemonSet::log-shipper");
    });

    it("let the log-shipper DaemonSet in the logging namespace mount host logs in every environment", async () => {
        for (const env of ["local", "dev", "staging", "prod"] as const) {
            expect(await problems(noHostPath, logShipper({ namespace: "azora-logging" }), loadConfigFile(env))).toEqual([]);
        }
    });

    it("do not follow the log-shipper's name into another namespace", async () => {
        for (const env of ["local", "dev", "staging", "prod"] as const) {
            expect(await problems(noHostPath, logShipper({ namespace: OBS }), loadConfigFile(env))).toEqual([
                `DaemonSet ${OBS}/log-shipper: volume "varlog" mounts hostPath /var/log.`,
            ]);
        }
    });

    it("let Prometheus, which reads the Kubernetes API, mount its token in every environment", async () => {
        const prometheus = workload("StatefulSet", "prometheus", { namespace: OBS, pod: { automountServiceAccountToken: true } });
        for (const env of ["local", "dev", "staging", "prod"] as const) {
            expect(await problems(tokenNotAutomounted, [prometheus], loadConfigFile(env))).toEqual([]);
        }
    });

    it("do not let any other workload mount its token", async () => {
        const grafana = workload("Deployment", "grafana", { namespace: OBS, pod: { automountServiceAccountToken: true } });
        expect(await problems(tokenNotAutomounted, [grafana], loadConfigFile("prod"))).toEqual([
            `Deployment ${OBS}/grafana: sets automountServiceAccountToken: true on its pod spec.`,
        ]);
    });

    it("name objects as Kind/namespace/name, Kind/name or name", () => {
        const id = { kind: "DaemonSet", namespace: OBS, name: "log-shipper" } as const;
        expect([
            referenceMatches(`DaemonSet/${OBS}/log-shipper`, id),
            referenceMatches(`daemonset/${OBS}/log-shipper`, id),
            referenceMatches("DaemonSet/log-shipper", id),
            referenceMatches("log-shipper", id),
            referenceMatches(`Deployment/${OBS}/log-shipper`, id),
            referenceMatches(`DaemonSet/azora/log-shipper`, id),
            referenceMatches("DaemonSet/a/b/c", id),
        ]).toEqual([true, true, true, true, false, false, false]);
    });
});
