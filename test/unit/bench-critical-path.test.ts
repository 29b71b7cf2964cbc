// The deploy attribution of scripts/bench/critical-path.ts, on a small update: a namespace, a Service
// and a Job in a component that depends on the namespace, and a Deployment that depends on the
// component (so on the Service and the Job).
import { describe, expect, it } from "vitest";
import { byType, criticalPath, prerequisites, type StateResource, steps } from "../../scripts/bench/critical-path";

const urn = (type: string, name: string): string => `urn:pulumi:e2e::azora-platform::${type}::${name}`;
const provider = urn("pulumi:providers:kubernetes", "k8s");
const ns = urn("kubernetes:core/v1:Namespace", "azora");
const component = urn("azora:services:Service", "pay");
const svc = urn("azora:services:Service$kubernetes:core/v1:Service", "pay");
const job = urn("azora:services:Service$kubernetes:batch/v1:Job", "pay-migrate");
const deploy = urn("kubernetes:apps/v1:Deployment", "pay");

const resources: StateResource[] = [
    { urn: provider, type: "pulumi:providers:kubernetes", custom: true },
    { urn: ns, type: "kubernetes:core/v1:Namespace", custom: true, provider: `${provider}::id-1` },
    { urn: component, type: "azora:services:Service", custom: false, dependencies: [ns] },
    { urn: svc, type: "kubernetes:core/v1:Service", custom: true, parent: component, provider: `${provider}::id-1` },
    { urn: job, type: "kubernetes:batch/v1:Job", custom: true, parent: component, provider: `${provider}::id-1` },
    {
        urn: deploy,
        type: "kubernetes:apps/v1:Deployment",
        custom: true,
        dependencies: [component],
        provider: `${provider}::id-1`,
    },
];

/** [urn, type, started at, ended at] as the engine logs them, from t = 1000 s. */
function log(spans: [string, string, number, number][]): string {
    const events = spans.flatMap(([u, type, start, end]) => [
        { timestamp: 1000 + start, resourcePreEvent: { metadata: { op: "create", urn: u, type } } },
        { timestamp: 1000 + end, resOutputsEvent: { metadata: { op: "create", urn: u, type } } },
    ]);
    events.sort((a, b) => a.timestamp - b.timestamp);
    return events.map((e, i) => JSON.stringify({ sequence: i, ...e })).join("\n");
}

const update = log([
    [provider, "pulumi:providers:kubernetes", 0, 1],
    [ns, "kubernetes:core/v1:Namespace", 1, 2],
    [svc, "kubernetes:core/v1:Service", 2, 12],
    [job, "kubernetes:batch/v1:Job", 2, 6],
    [deploy, "kubernetes:apps/v1:Deployment", 15, 20],
]);

describe("deploy attribution", () => {
    it("times each custom resource's own step from its first event, and skips components", () => {
        const s = steps(update, resources);
        expect([...s.keys()]).not.toContain(component);
        expect(s.get(svc)).toMatchObject({ name: "pay", start: 2, end: 12 });
    });

    it("expands a dependency on a component to every custom resource under it, and adds the provider", () => {
        expect(prerequisites(resources).get(deploy)?.sort()).toEqual([job, provider, svc].sort());
    });

    it("holds a child back by its component's dependencies, which the state records on the component only", () => {
        expect(prerequisites(resources).get(job)?.sort()).toEqual([ns, provider].sort());
    });

    it("walks back from the last step through the latest-finishing prerequisite of each", () => {
        const path = criticalPath(steps(update, resources), prerequisites(resources));
        expect(path.map((l) => l.name)).toEqual(["k8s", "azora", "pay", "pay"]);
        expect(path.map((l) => l.type)).toEqual([
            "pulumi:providers:kubernetes",
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:Service",
            "kubernetes:apps/v1:Deployment",
        ]);
    });

    it("says a link waited on its dependency when it started at once, and on the program when it started later", () => {
        const path = criticalPath(steps(update, resources), prerequisites(resources));
        expect(path[2]).toMatchObject({ reason: "dependency", waited: 0, after: ns });
        expect(path[3]).toMatchObject({ reason: "program", waited: 3, after: svc });
    });

    it("summarises each type's own steps and the span they occupy", () => {
        const services = byType(steps(update, resources)).find((t) => t.type === "kubernetes:core/v1:Service");
        expect(services).toEqual({ type: "kubernetes:core/v1:Service", count: 1, median: 10, max: 10, first: 2, last: 12 });
    });
});
