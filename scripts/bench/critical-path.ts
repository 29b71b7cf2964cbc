// Where a deploy's time goes (issue 19): the engine's event log of an `up` (`--event-log`, one JSON
// engine event per line) and the stack's state after it (`pulumi stack export`) turned into the
// critical path — the chain of resources, each started when the last thing it waited for finished,
// that ends with the last resource to finish — and, for each link, why it waited:
//   await       the resource's own step: the provider's create or update and its await logic
//   dependency  nothing between: it started as soon as its latest dependency finished
//   program     it started later than its dependencies allow: the program registered it late
//               (an output it reads through apply, the program's own start-up) or the engine's
//               parallelism held it
// The engine stamps events with whole seconds, so every figure is ±1 s.
//
//   vite-node scripts/bench/attribute.ts -- EVENTS.jsonl STATE.json [--top N]

/** The engine events this reads (sdk/go/common/apitype/events.go). */
interface StepMetadata {
    op: string;
    urn: string;
    type: string;
}
interface EngineEvent {
    sequence: number;
    timestamp: number;
    resourcePreEvent?: { metadata: StepMetadata; planning?: boolean };
    resOutputsEvent?: { metadata: StepMetadata; planning?: boolean };
    resOpFailedEvent?: { metadata: StepMetadata };
}

/** A resource of `pulumi stack export`'s deployment. */
export interface StateResource {
    urn: string;
    type: string;
    custom: boolean;
    parent?: string;
    provider?: string;
    dependencies?: string[];
}

export interface Step {
    urn: string;
    type: string;
    name: string;
    /** Seconds since the update's first event. */
    start: number;
    end: number;
}

export interface Link extends Step {
    /** Seconds it waited after the step it waited for ended (0 when it started at once). */
    waited: number;
    reason: "dependency" | "program";
    /** The step it waited for; undefined for the first link. */
    after?: string;
}

const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** Each resource's step (custom resources only: a component's events mark its registration, not its children's work). */
export function steps(eventLog: string, resources: readonly StateResource[]): Map<string, Step> {
    const events = eventLog
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as EngineEvent);
    const t0 = Math.min(...events.map((e) => e.timestamp));
    const custom = new Map(resources.filter((r) => r.custom).map((r) => [r.urn, r]));
    const out = new Map<string, Step>();
    for (const e of events) {
        const pre = e.resourcePreEvent;
        if (pre && !pre.planning && custom.has(pre.metadata.urn) && !out.has(pre.metadata.urn)) {
            const urn = pre.metadata.urn;
            out.set(urn, { urn, type: pre.metadata.type, name: nameOf(urn), start: e.timestamp - t0, end: Number.NaN });
        }
        const done = e.resOutputsEvent ?? e.resOpFailedEvent;
        const step = done && out.get(done.metadata.urn);
        if (step && Number.isNaN(step.end)) step.end = e.timestamp - t0;
    }
    for (const [urn, s] of out) if (Number.isNaN(s.end)) out.delete(urn);
    return out;
}

/**
 * What a resource waits for before the engine starts its step: its dependencies (a component's
 * dependency stands for every custom resource under it, as the engine waits for them all), its
 * provider, and its ancestors' dependencies — the SDK registers a child only once its parent's URN
 * is known, and a component registers only once its own dependencies are done, so a component's
 * `dependsOn` holds back every resource under it though the state lists it on the component only.
 */
export function prerequisites(resources: readonly StateResource[]): Map<string, string[]> {
    const children = new Map<string, string[]>();
    for (const r of resources) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const customUnder = (urn: string): string[] => {
        const r = byUrn.get(urn);
        if (!r) return [];
        if (r.custom) return [urn];
        return (children.get(urn) ?? []).flatMap(customUnder);
    };
    const own = (r: StateResource): string[] => [
        ...(r.dependencies ?? []).flatMap(customUnder),
        // A provider reference is "urn::id".
        ...(r.provider ? [r.provider.slice(0, r.provider.lastIndexOf("::"))] : []),
    ];
    const inherited = (r: StateResource): string[] => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        return parent ? [...own(parent), ...inherited(parent)] : [];
    };
    return new Map(resources.map((r) => [r.urn, [...new Set([...own(r), ...inherited(r)])]]));
}

/** The chain ending with the last step to finish, earliest first. */
export function criticalPath(all: Map<string, Step>, prereqs: Map<string, string[]>): Link[] {
    const byEnd = [...all.values()].sort((a, b) => b.end - a.end);
    const path: Link[] = [];
    let current = byEnd[0];
    while (current) {
        const before = (prereqs.get(current.urn) ?? [])
            .map((u) => all.get(u))
            .filter((s): s is Step => s !== undefined && s.end <= current.start)
            .sort((a, b) => b.end - a.end)[0];
        const waited = current.start - (before?.end ?? 0);
        path.unshift({ ...current, waited, reason: waited <= 1 ? "dependency" : "program", after: before?.urn });
        current = before;
    }
    return path;
}

export interface TypeSummary {
    type: string;
    count: number;
    /** Median and longest own step, seconds. */
    median: number;
    max: number;
    /** When the first of the type started and the last ended. */
    first: number;
    last: number;
}

/** Per resource type: how many, how long their own steps took, and the span they occupy in the update. */
export function byType(all: Map<string, Step>): TypeSummary[] {
    const groups = new Map<string, Step[]>();
    for (const s of all.values()) groups.set(s.type, [...(groups.get(s.type) ?? []), s]);
    return [...groups]
        .map(([type, ss]) => {
            const d = ss.map((s) => s.end - s.start).sort((a, b) => a - b);
            return {
                type,
                count: ss.length,
                median: d[Math.floor((d.length - 1) / 2)],
                max: d[d.length - 1],
                first: Math.min(...ss.map((s) => s.start)),
                last: Math.max(...ss.map((s) => s.end)),
            };
        })
        .sort((a, b) => b.last - a.last || b.median - a.median);
}

/** The report the CLI prints: the path, then the types. */
export function report(eventLog: string, resources: readonly StateResource[], top = 25): string {
    const all = steps(eventLog, resources);
    const path = criticalPath(all, prerequisites(resources));
    const total = Math.max(...[...all.values()].map((s) => s.end));
    const lines = [`critical path of ${all.size} resource steps, last ending at ${total} s (event times are whole seconds):`];
    lines.push("   start    end  await  waited  why         resource");
    for (const l of path) {
        const pad = (n: number, w: number): string => String(n).padStart(w);
        lines.push(
            `${pad(l.start, 8)} ${pad(l.end, 6)} ${pad(l.end - l.start, 6)} ${pad(l.waited, 7)}  ${l.reason.padEnd(10)}  ${l.type} ${l.name}`,
        );
    }
    const awaited = path.reduce((n, l) => n + l.end - l.start, 0);
    const program = path.filter((l) => l.reason === "program").reduce((n, l) => n + l.waited, 0);
    lines.push(`on the path: ${awaited} s in the resources' own steps (await), ${program} s waiting on the program or engine`);
    lines.push("", "by type (own step: median / max s; span: first start → last end):");
    for (const t of byType(all).slice(0, top))
        lines.push(`  ${t.type}: ${t.count} × ${t.median} / ${t.max} s; ${t.first} → ${t.last} s`);
    return lines.join("\n");
}
