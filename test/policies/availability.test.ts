import { describe, expect, it } from "vitest";

import {
    deploymentHasHpa,
    deploymentHasPdb,
    highAvailability,
    pdbAllowsEviction,
    scaled,
    selectorsMatchPods,
    statefulSetHeadlessService,
} from "../../policies/rules/availability";
import { allowIngressTo, deployment, hpa, labelsFor, networkPolicy, pdb, service, serviceBundle, workload } from "./fixtures";
import { loadConfigFile, PolicyConfigFile, problems } from "./harness";

const SELECT_GATEWAY = { matchLabels: labelsFor("api-gateway") };

describe("availability-deployment-has-pdb", () => {
    it("passes a Deployment covered by a PDB", async () => {
        expect(await problems(deploymentHasPdb, serviceBundle("api-gateway"))).toEqual([]);
    });

    it("reports a Deployment without a PDB", async () => {
        expect(await problems(deploymentHasPdb, [deployment("api-gateway")])).toEqual([
            "Deployment azora/api-gateway: has no PodDisruptionBudget selecting its pods.",
        ]);
    });

    it("does not count a PDB that selects other pods", async () => {
        expect(await problems(deploymentHasPdb, [deployment("api-gateway"), pdb("auth-service")])).toHaveLength(1);
    });

    it("does not count a PDB in another namespace", async () => {
        expect(
            await problems(deploymentHasPdb, [deployment("api-gateway"), pdb("api-gateway", undefined, "other")]),
        ).toHaveLength(1);
    });
});

describe("availability-deployment-has-hpa", () => {
    it("passes a Deployment targeted by an HPA", async () => {
        expect(await problems(deploymentHasHpa, serviceBundle("api-gateway"))).toEqual([]);
    });

    it("reports a Deployment no HPA targets", async () => {
        expect(await problems(deploymentHasHpa, [deployment("api-gateway"), hpa("auth-service")])).toEqual([
            "Deployment azora/api-gateway: is not the scaleTargetRef of any HorizontalPodAutoscaler.",
        ]);
    });

    it("does not count an HPA that targets a StatefulSet of the same name", async () => {
        expect(
            await problems(deploymentHasHpa, [
                deployment("api-gateway"),
                hpa("api-gateway", 2, "api-gateway", "azora", "StatefulSet"),
            ]),
        ).toHaveLength(1);
    });
});

describe("availability-pdb-allows-eviction", () => {
    const stack = (spec: Parameters<typeof pdb>[1], minReplicas: number) => [
        deployment("api-gateway"),
        hpa("api-gateway", minReplicas),
        pdb("api-gateway", spec),
    ];

    it("passes maxUnavailable 1", async () => {
        expect(await problems(pdbAllowsEviction, stack({ maxUnavailable: 1, selector: SELECT_GATEWAY }, 2))).toEqual([]);
    });

    it("passes minAvailable below the HPA minimum", async () => {
        expect(await problems(pdbAllowsEviction, stack({ minAvailable: 2, selector: SELECT_GATEWAY }, 3))).toEqual([]);
    });

    it("passes maxUnavailable 1 on a single replica, which evicts rather than blocks", async () => {
        expect(await problems(pdbAllowsEviction, stack({ maxUnavailable: 1, selector: SELECT_GATEWAY }, 1))).toEqual([]);
    });

    it("reports maxUnavailable 0", async () => {
        expect(await problems(pdbAllowsEviction, stack({ maxUnavailable: 0, selector: SELECT_GATEWAY }, 2))).toEqual([
            "PodDisruptionBudget azora/api-gateway: blocks eviction: maxUnavailable 0 allows no disruption of Deployment api-gateway at its minimum of 2 (HPA api-gateway minReplicas).",
        ]);
    });

    it("reports minAvailable equal to the HPA minimum", async () => {
        expect(await problems(pdbAllowsEviction, stack({ minAvailable: 2, selector: SELECT_GATEWAY }, 2))).toEqual([
            "PodDisruptionBudget azora/api-gateway: blocks eviction: minAvailable 2 allows no disruption of Deployment api-gateway at its minimum of 2 (HPA api-gateway minReplicas).",
        ]);
    });

    it("reports minAvailable 100%", async () => {
        expect(await problems(pdbAllowsEviction, stack({ minAvailable: "100%", selector: SELECT_GATEWAY }, 3))).toEqual([
            "PodDisruptionBudget azora/api-gateway: blocks eviction: minAvailable 100% allows no disruption of Deployment api-gateway at its minimum of 3 (HPA api-gateway minReplicas).",
        ]);
    });

    it("falls back to the Deployment's replicas when no HPA targets it", async () => {
        const found = await problems(pdbAllowsEviction, [
            deployment("api-gateway", { replicas: 3 }),
            pdb("api-gateway", { minAvailable: 3, selector: SELECT_GATEWAY }),
        ]);
        expect(found).toEqual([
            "PodDisruptionBudget azora/api-gateway: blocks eviction: minAvailable 3 allows no disruption of Deployment api-gateway at its minimum of 3 (replicas).",
        ]);
    });

    it("takes an HPA without minReplicas as a minimum of 1", async () => {
        const found = await problems(pdbAllowsEviction, [
            deployment("api-gateway"),
            hpa("api-gateway", "unset"),
            pdb("api-gateway", { minAvailable: 1, selector: SELECT_GATEWAY }),
        ]);
        expect(found).toEqual([
            "PodDisruptionBudget azora/api-gateway: blocks eviction: minAvailable 1 allows no disruption of Deployment api-gateway at its minimum of 1 (HPA api-gateway minReplicas).",
        ]);
    });

    it("reports a budget that lets every replica go at once", async () => {
        expect(await problems(pdbAllowsEviction, stack({ maxUnavailable: "100%", selector: SELECT_GATEWAY }, 2))).toEqual([
            "PodDisruptionBudget azora/api-gateway: does not fit the minimum scale: maxUnavailable 100% lets every pod of Deployment api-gateway at its minimum of 2 (HPA api-gateway minReplicas) be evicted at once.",
        ]);
    });

    it("reports a budget that sets both fields", async () => {
        expect(
            await problems(pdbAllowsEviction, stack({ minAvailable: 1, maxUnavailable: 1, selector: SELECT_GATEWAY }, 2)),
        ).toEqual([
            "PodDisruptionBudget azora/api-gateway: sets both minAvailable and maxUnavailable; the API accepts only one.",
        ]);
    });

    it("reports a budget that sets neither field", async () => {
        expect(await problems(pdbAllowsEviction, stack({ selector: SELECT_GATEWAY }, 2))).toEqual([
            "PodDisruptionBudget azora/api-gateway: sets neither minAvailable nor maxUnavailable.",
        ]);
    });

    it("rounds percentages up, as the disruption controller does", () => {
        expect([scaled("50%", 3), scaled("10%", 2), scaled(1, 5), scaled("2", 5), scaled("x", 5)]).toEqual([
            2,
            1,
            1,
            2,
            undefined,
        ]);
    });
});

describe("availability-selectors-match-pods", () => {
    it("passes selectors that match existing pods", async () => {
        expect(await problems(selectorsMatchPods, serviceBundle("api-gateway"))).toEqual([]);
    });

    it("reports a Service that selects no pods", async () => {
        expect(await problems(selectorsMatchPods, [deployment("api-gateway"), service("billing")])).toEqual([
            'Service azora/billing: selects {"app.kubernetes.io/name":"billing","app.kubernetes.io/part-of":"azora"}, which matches no pods in namespace azora.',
        ]);
    });

    it("reports a PDB that selects no pods", async () => {
        expect(await problems(selectorsMatchPods, [deployment("api-gateway"), pdb("billing")])).toEqual([
            'PodDisruptionBudget azora/billing: selects {"matchLabels":{"app.kubernetes.io/name":"billing","app.kubernetes.io/part-of":"azora"}}, which matches no pods in namespace azora.',
        ]);
    });

    it("reports a NetworkPolicy whose podSelector matches no pods", async () => {
        expect(await problems(selectorsMatchPods, [deployment("api-gateway"), allowIngressTo("billing")])).toEqual([
            'NetworkPolicy azora/billing-ingress: podSelector {"matchLabels":{"app.kubernetes.io/name":"billing","app.kubernetes.io/part-of":"azora"}} matches no pods in namespace azora.',
        ]);
    });

    it("accepts a NetworkPolicy with an empty podSelector", async () => {
        expect(
            await problems(selectorsMatchPods, [
                deployment("api-gateway"),
                networkPolicy("default-deny", { podSelector: {}, policyTypes: ["Ingress"] }),
            ]),
        ).toEqual([]);
    });

    it("reports an HPA whose target is not in the stack", async () => {
        expect(await problems(selectorsMatchPods, [deployment("api-gateway"), hpa("billing")])).toEqual([
            "HorizontalPodAutoscaler azora/billing: targets Deployment billing, which is not in namespace azora.",
        ]);
    });

    it("does not let pods in another namespace satisfy a selector", async () => {
        expect(
            await problems(selectorsMatchPods, [deployment("api-gateway", { namespace: "other" }), service("api-gateway")]),
        ).toHaveLength(1);
    });

    it("counts the pods of every pod-bearing kind", async () => {
        expect(await problems(selectorsMatchPods, [workload("StatefulSet", "loki"), service("loki")])).toEqual([]);
    });
});

describe("availability-high-availability", () => {
    const REQUIRED: PolicyConfigFile = { "availability-high-availability": { requireHighAvailability: true } };

    it("is off unless config requires it", async () => {
        expect(
            await problems(highAvailability, [
                deployment("api-gateway", { replicas: 1, pod: { topologySpreadConstraints: [] } }),
            ]),
        ).toEqual([]);
    });

    it("passes an autoscaled Deployment with minReplicas 2 and topology spread", async () => {
        expect(await problems(highAvailability, serviceBundle("api-gateway"), REQUIRED)).toEqual([]);
    });

    it("reports an HPA minimum of 1 even when replicas is higher", async () => {
        expect(
            await problems(highAvailability, [deployment("api-gateway", { replicas: 3 }), hpa("api-gateway", 1)], REQUIRED),
        ).toEqual([
            "Deployment azora/api-gateway: runs as few as 1 replica (HPA api-gateway minReplicas); high availability needs at least 2.",
        ]);
    });

    it("reports a single replica without an HPA", async () => {
        expect(await problems(highAvailability, [deployment("api-gateway", { replicas: 1 })], REQUIRED)).toEqual([
            "Deployment azora/api-gateway: runs as few as 1 replica (replicas); high availability needs at least 2.",
        ]);
    });

    it("reports a Deployment without topologySpreadConstraints", async () => {
        expect(
            await problems(
                highAvailability,
                [deployment("api-gateway", { pod: { topologySpreadConstraints: undefined } }), hpa("api-gateway", 2)],
                REQUIRED,
            ),
        ).toEqual([
            "Deployment azora/api-gateway: has no topologySpreadConstraints, so its replicas may share one node or zone.",
        ]);
    });

    it("reports a single-replica StatefulSet", async () => {
        expect(await problems(highAvailability, [workload("StatefulSet", "prometheus", { replicas: 1 })], REQUIRED)).toEqual([
            "StatefulSet azora/prometheus: runs as few as 1 replica (replicas); high availability needs at least 2.",
        ]);
    });

    it("exempts in prod exactly the single-writer stores its config names, with their reasons", async () => {
        const ns = "azora-observability";
        const single = ["grafana", "loki", "jaeger", "prometheus"].map((app) =>
            workload("StatefulSet", app, { replicas: 1, namespace: ns }),
        );
        expect(await problems(highAvailability, single, loadConfigFile("prod"))).toEqual([
            `StatefulSet ${ns}/prometheus: runs as few as 1 replica (replicas); high availability needs at least 2.`,
        ]);
    });

    it("is required in prod and nowhere else", async () => {
        const single = [deployment("api-gateway", { replicas: 1 })];
        expect(await problems(highAvailability, single, loadConfigFile("prod"))).toHaveLength(1);
        for (const env of ["local", "dev", "staging"] as const) {
            expect(await problems(highAvailability, single, loadConfigFile(env))).toEqual([]);
        }
    });
});

describe("availability-statefulset-headless-service", () => {
    const store = workload("StatefulSet", "loki");

    it("passes a StatefulSet governed by a headless Service", async () => {
        expect(await problems(statefulSetHeadlessService, [store, service("loki", { clusterIP: "None" })])).toEqual([]);
    });

    it("reports a StatefulSet whose serviceName names no Service", async () => {
        expect(await problems(statefulSetHeadlessService, [store])).toEqual([
            "StatefulSet azora/loki: names serviceName loki, but no Service of that name exists in namespace azora.",
        ]);
    });

    it("reports a StatefulSet whose Service has a cluster IP", async () => {
        expect(await problems(statefulSetHeadlessService, [store, service("loki")])).toEqual([
            "StatefulSet azora/loki: names serviceName loki, which is not headless (clusterIP is not None).",
        ]);
    });

    it("does not accept a headless Service of another namespace", async () => {
        expect(
            await problems(statefulSetHeadlessService, [store, service("loki", { clusterIP: "None" }, "azora-observability")]),
        ).toEqual(["StatefulSet azora/loki: names serviceName loki, but no Service of that name exists in namespace azora."]);
    });
});
