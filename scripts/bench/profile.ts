// Where the program process' time and allocations go, from the V8 CPU profile and sampling heap
// profile node-probe.cjs records: program module loading, the Platform constructor split into the
// Pulumi SDK's registration work and the program's own logic, and stack-trace formatting.

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
}

interface CpuNode {
    id: number;
    callFrame: CallFrame;
    children?: number[];
}

export interface CpuProfile {
    nodes: CpuNode[];
    samples: number[];
    timeDeltas: number[];
}

interface HeapNode {
    callFrame: CallFrame;
    selfSize: number;
    children: HeapNode[];
}

export interface HeapProfile {
    head: HeapNode;
}

export interface ProgramBreakdown {
    /** Sampled CPU time of the whole process. */
    totalMs: number;
    /** Loading the program's own modules and their non-Pulumi dependencies (zod, yaml, Grafana SDK…). */
    programModulesMs: number;
    /** new Platform(…), synchronous part. */
    platformMs: number;
    /** Of platformMs: inside @pulumi/* frames (resource registration). */
    platformSdkMs: number;
    /** Of platformMs: the program's own code (catalog → objects, alert rules, dashboards). */
    platformProgramMs: number;
    /** Anywhere in the process: formatting Error stacks (Error.prepareStackTrace hooks). */
    stackTraceMs: number;
    /** Share of all sampled allocations made while formatting Error stacks (undefined: no heap profile). */
    stackTraceAllocShare?: number;
    allocatedMb?: number;
}

const isStackFormatting = (cf: CallFrame) => cf.functionName === "prepareStackTraceCallback" || cf.functionName === "prepareStackTrace";
const isModuleInit = (cf: CallFrame) => cf.functionName === "" && cf.lineNumber === 0 && cf.url !== "";
const inNodeModules = (cf: CallFrame) => cf.url.includes("/node_modules/");
const isPulumi = (cf: CallFrame) => /\/node_modules\/@pulumi\//.test(cf.url);

/** `programDir`: the workspace the program runs from; its files outside node_modules are the program. */
export function programBreakdown(cpu: CpuProfile, programDir: string, entry: string, heap?: HeapProfile): ProgramBreakdown {
    const byId = new Map(cpu.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of cpu.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const time = new Map<number, number>();
    cpu.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (cpu.timeDeltas[i] ?? 0)));

    const isProgram = (cf: CallFrame) => cf.url.includes(programDir) && !inNodeModules(cf);
    const b: ProgramBreakdown = { totalMs: 0, programModulesMs: 0, platformMs: 0, platformSdkMs: 0, platformProgramMs: 0, stackTraceMs: 0 };
    for (const [id, us] of time) {
        const ms = us / 1000;
        // Leaf first.
        const chain: CallFrame[] = [];
        for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
            const node = byId.get(x);
            if (node) chain.push(node.callFrame);
        }
        b.totalMs += ms;
        if (chain.some(isStackFormatting)) b.stackTraceMs += ms;
        const platformAt = chain.findIndex((cf) => cf.functionName === "Platform" && isProgram(cf));
        if (platformAt >= 0) {
            b.platformMs += ms;
            if (chain.slice(0, platformAt).some(isPulumi)) b.platformSdkMs += ms;
            else b.platformProgramMs += ms;
            continue;
        }
        const innermostInit = chain.find(isModuleInit);
        const underProgramModule = chain.some((cf) => isModuleInit(cf) && isProgram(cf) && !cf.url.endsWith(entry));
        if (innermostInit && underProgramModule && !isPulumi(innermostInit)) b.programModulesMs += ms;
    }
    if (heap) {
        let total = 0;
        let stacks = 0;
        const walk = (n: HeapNode, formatting: boolean) => {
            const f = formatting || isStackFormatting(n.callFrame);
            total += n.selfSize;
            if (f) stacks += n.selfSize;
            for (const c of n.children) walk(c, f);
        };
        walk(heap.head, false);
        b.allocatedMb = total / 2 ** 20;
        b.stackTraceAllocShare = total > 0 ? stacks / total : undefined;
    }
    return b;
}
