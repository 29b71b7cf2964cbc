// Figure 2: previews of synthetic catalogs, interleaved by size, their growth, and the largest
// ConfigMap each size generates (previews render nothing, so it is checked against the API server's
// limit here).
import type { ConfigSizes } from "../config-sizes";
import { log } from "./log";
import { runNode } from "./node-scripts";
import { benchResult, firstError, resourceCounts } from "./output";
import type { PulumiRun } from "./pulumi";
import type { Bench } from "./setup";
import { kb, type Row, stat } from "./table";

export interface SyntheticRuns {
    /** The successful previews of each size. */
    synth: Map<number, PulumiRun[]>;
    /** The first error of each size whose preview failed (no more rounds of it). */
    synthFailed: Map<number, string>;
    sizes?: ConfigSizes[];
}

export async function syntheticCatalogs(b: Bench): Promise<SyntheticRuns & { rows: Row[] }> {
    const { o, runPulumi, ws, synthDir } = b;
    const rows: Row[] = [];
    const synth = new Map<number, PulumiRun[]>(o.sizes.map((n) => [n, []]));
    const synthFailed = new Map<number, string>();
    for (let r = 1; r <= o.heavyRuns; r++) {
        for (const n of o.sizes) {
            if (synthFailed.has(n)) continue;
            log(`round ${r}/${o.heavyRuns}: synthetic catalog of ${n} services`);
            const run = await runPulumi(ws, ["preview", "--stack", `s${n}`], synthDir);
            if (run.code !== 0) synthFailed.set(n, firstError(run.output));
            else synth.get(n)?.push(run);
        }
    }
    for (const n of o.sizes) {
        const runs = synth.get(n) ?? [];
        const failed = synthFailed.get(n);
        const count = runs.length ? resourceCounts(runs[0].output).create : 0;
        rows.push(
            failed
                ? { figure: `2. Synthetic catalog, ${n} services`, unit: "s", text: `FAILED: ${failed}`, target: "previews", pass: false }
                : { figure: `2. Synthetic catalog, ${n} services (${count} resources)`, unit: "s", stat: stat(runs.map((x) => x.ms)) },
        );
    }
    const lo = o.sizes[0];
    const hi = o.sizes[o.sizes.length - 1];
    const loRuns = synth.get(lo) ?? [];
    const hiRuns = synth.get(hi) ?? [];
    if (synthFailed.has(lo) || synthFailed.has(hi)) {
        rows.push({ figure: `2. Growth ${hi}/${lo} services`, unit: "×", text: "n/a (a preview failed)", target: "≤ 25×", pass: false });
    } else {
        const growth = stat(hiRuns.map((h, i) => h.ms / loRuns[i].ms));
        rows.push({ figure: `2. Growth ${hi}/${lo} services (per round)`, unit: "×", stat: growth, target: "≤ 25×", pass: (growth?.median ?? Infinity) <= 25 });
    }
    log(`generated ConfigMap sizes for ${o.sizes.join(", ")} services`);
    const sizesRun = await runNode(ws.dir, "scripts/bench/config-sizes.ts", o.sizes.map(String));
    const sizes = benchResult<ConfigSizes[]>(sizesRun.output);
    rows.push(...configMapRows(sizes, sizesRun.output));
    return { synth, synthFailed, sizes, rows };
}

function configMapRows(sizes: ConfigSizes[] | undefined, output: string): Row[] {
    const limit = "≤ 1 MiB (API limit)";
    if (!sizes) return [{ figure: "2. Largest generated ConfigMap", unit: "", text: `FAILED: ${firstError(output)}`, target: limit, pass: false }];
    return sizes.map((z) => {
        const worst = Math.max(z.rulesBytes, z.largestDashboard.bytes);
        return {
            figure:
                `2. Largest ConfigMap at ${z.services} services (rules ${kb(z.rulesBytes)} of ${z.rulesConfigMaps} ConfigMap(s), ` +
                `largest dashboard ${z.largestDashboard.name} ${z.largestDashboard.bytes} bytes)`,
            unit: "",
            text: kb(worst),
            target: limit,
            pass: worst <= 2 ** 20,
        };
    });
}
