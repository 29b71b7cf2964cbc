// The whole local stack as the program renders it, every pod-bearing object at once: the hardening
// each pod gets from the one pod builder, checked on the rendered objects rather than on the builder.
import { beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../../model/catalog";
import { parsePlatformConfig } from "../../components/config";
import { Platform } from "../../components/platform";
import { logShipperExemption } from "../../components/observability/log-shipper";
import { list, nameOf, type Obj, object, recordResources, type Registered, settle, T, text } from "./harness";
import { readStackConfig } from "./stack-files";

const resources = recordResources();

beforeAll(async () => {
    const settings = parsePlatformConfig("local", readStackConfig("local"), catalog);
    new Platform("azora", { settings, services: catalog });
    await settle(resources);
}, 60_000);

interface Pod {
    owner: string;
    spec: Obj;
}

/** The pod template of every pod-bearing object: Deployments, StatefulSets, DaemonSets, Jobs and CronJobs. */
function pods(): Pod[] {
    const templates: [string, (o: Obj) => Obj][] = [
        [T.deployment, (o) => o.spec.template.spec],
        [T.statefulSet, (o) => o.spec.template.spec],
        [T.daemonSet, (o) => o.spec.template.spec],
        [T.job, (o) => o.spec.template.spec],
        [T.cronJob, (o) => o.spec.jobTemplate.spec.template.spec],
    ];
    return templates.flatMap(([type, specOf]) =>
        resources.filter((r) => r.type === type).map((r: Registered) => ({ owner: `${type} ${r.name}`, spec: specOf(r.inputs) })),
    );
}

function containers(): { owner: string; container: Obj }[] {
    return pods().flatMap((p) =>
        [...list(p.spec.initContainers), ...list(p.spec.containers)].map((container) => ({
            owner: `${p.owner} ${text(container.name)}`,
            container,
        })),
    );
}

describe("the rendered local stack", () => {
    it("has a pod in each service, migration, backup, observability and exporter workload", () => {
        const withDatabase = catalog.filter((s) => s.database).length;
        // Ten services and the OTel Collector; five StatefulSets; the log shipper; kube-state-metrics and the
        // node exporter; per database a migration, the release's backup before it, and the scheduled backup.
        expect(pods()).toHaveLength(catalog.length + 1 + 5 + 1 + 2 + 3 * withDatabase);
        console.log(`pod templates: ${pods().length}, containers: ${containers().length}`);
    });

    it("gives every container ephemeral-storage requests and limits", () => {
        for (const { owner, container } of containers()) {
            expect(container.resources.requests["ephemeral-storage"], owner).toMatch(/^[0-9]+(Ki|Mi|Gi)$/);
            expect(container.resources.limits["ephemeral-storage"], owner).toMatch(/^[0-9]+(Ki|Mi|Gi)$/);
        }
    });

    it("size-limits every emptyDir", () => {
        for (const p of pods()) {
            for (const v of list(p.spec.volumes).filter((v) => v.emptyDir)) {
                expect(v.emptyDir.sizeLimit, `${p.owner} ${text(v.name)}`).toMatch(/^[0-9]+(Ki|Mi|Gi)$/);
            }
        }
    });

    it("runs every pod and container as UID and GID of at least 10000, with volumes owned by such a group", () => {
        for (const p of pods()) {
            const sc = p.spec.securityContext;
            for (const field of ["runAsUser", "runAsGroup", "fsGroup"]) {
                expect(Number(sc[field]), `${p.owner} ${field}`).toBeGreaterThanOrEqual(10000);
            }
            for (const c of list(p.spec.containers)) {
                expect(Number(c.securityContext.runAsUser), p.owner).toBeGreaterThanOrEqual(10000);
                expect(Number(c.securityContext.runAsGroup), p.owner).toBeGreaterThanOrEqual(10000);
            }
        }
    });

    it("adds a supplementary group below 10000 only to the log shipper, the one documented exemption", () => {
        for (const p of pods()) {
            const low = list(p.spec.securityContext.supplementalGroups)
                .map(Number)
                .filter((g) => g < 10000);
            const exempt = p.owner === `${T.daemonSet} observability-log-shipper-daemonset`;
            expect(low, p.owner).toEqual(exempt ? logShipperExemption.supplementalGroups : []);
        }
    });

    it("reads no secret from the environment: no secretKeyRef, no secretRef", () => {
        for (const { owner, container } of containers()) {
            expect(
                list(container.env).filter((e) => e.valueFrom?.secretKeyRef),
                owner,
            ).toEqual([]);
            expect(
                list(container.envFrom).filter((e) => e.secretRef),
                owner,
            ).toEqual([]);
        }
    });

    it("mounts every secret volume read-only, readable by owner and group only", () => {
        for (const p of pods()) {
            const secretVolumes = list(p.spec.volumes).filter((v) => v.secret);
            for (const v of secretVolumes) {
                expect(Number(v.secret.defaultMode) & 0o007, `${p.owner} ${text(v.name)}`).toBe(0);
                for (const c of list(p.spec.containers)) {
                    for (const m of list(c.volumeMounts).filter((m) => text(m.name) === text(v.name))) {
                        expect(m.readOnly, `${p.owner} ${text(v.name)}`).toBe(true);
                    }
                }
            }
        }
    });

    it("never checks liveness the way it checks readiness", () => {
        for (const { owner, container } of containers()) {
            if (!container.livenessProbe || !container.readinessProbe) continue;
            const { livenessProbe: live, readinessProbe: ready } = container;
            expect(JSON.stringify(live.httpGet ?? live.tcpSocket ?? live.exec ?? live.grpc), owner).not.toBe(
                JSON.stringify(ready.httpGet ?? ready.tcpSocket ?? ready.exec ?? ready.grpc),
            );
        }
    });

    it("governs every StatefulSet by a headless Service of its namespace", () => {
        for (const sts of resources.filter((r) => r.type === T.statefulSet)) {
            const ns = text(sts.inputs.metadata.namespace);
            const svc = object(resources, T.service, text(sts.inputs.spec.serviceName), ns);
            expect(svc.spec.clusterIP, nameOf(sts)).toBe("None");
            expect(svc.spec.selector, nameOf(sts)).toEqual(sts.inputs.spec.selector.matchLabels);
        }
    });
});
