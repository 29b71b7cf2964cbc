// The bench's command line (see scripts/bench/run.ts for what each option does).
import * as path from "path";

export interface Options {
    runs: number;
    heavyRuns: number;
    sizes: number[];
    mockServices: number;
    patch?: string;
    profile: boolean;
    /** Extra NODE_OPTIONS for the program process of every preview (attribution experiments). */
    nodeOptions: string;
    /** Keep the throw-away workspaces (for poking at them afterwards). */
    keep: boolean;
    /** The deploy rows on the local cluster (runner/deploys.ts): with the rest, only them, or not at all. */
    deploys: "with" | "only" | "skip";
}

export function parseOptions(argv: string[]): Options {
    const o: Options = { runs: 5, heavyRuns: 3, sizes: [10, 50, 200], mockServices: 1000, profile: false, nodeOptions: "", keep: false, deploys: "with" };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = (): string => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value`);
            return v;
        };
        if (a === "--") continue;
        else if (a === "--runs") o.runs = positive(a, next());
        else if (a === "--heavy-runs") o.heavyRuns = positive(a, next());
        else if (a === "--sizes") o.sizes = next().split(",").map((s) => positive(a, s));
        else if (a === "--mock-services") o.mockServices = positive(a, next());
        else if (a === "--patch") o.patch = path.resolve(next());
        else if (a === "--profile") o.profile = true;
        else if (a === "--node-options") o.nodeOptions = next();
        else if (a === "--keep") o.keep = true;
        else if (a === "--deploys-only") o.deploys = "only";
        else if (a === "--skip-deploys") o.deploys = "skip";
        else throw new Error(`unknown option ${a}`);
    }
    if (o.sizes.length < 2) throw new Error("--sizes needs at least two sizes (growth is largest/smallest)");
    o.sizes.sort((x, y) => x - y);
    return o;
}

function positive(flag: string, v: string): number {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got "${v}"`);
    return n;
}
