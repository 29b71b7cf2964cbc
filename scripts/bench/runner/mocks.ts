// Figure 3a: the Platform's evaluation under mocks (scripts/bench/mock-eval.ts), one process per run,
// and the SDK's own floor for as many registrations (scripts/bench/mock-floor.ts).
import type { MockEvalResult } from "../mock-runtime";
import { log } from "./log";
import { runNode } from "./node-scripts";
import type { Options } from "./options";
import { benchResult, firstError } from "./output";
import { type Row, stat } from "./table";

export async function mockEvaluation(o: Options, dir: string): Promise<{ evals: MockEvalResult[]; mockFloors: MockEvalResult[]; rows: Row[] }> {
    const evals: MockEvalResult[] = [];
    const mockFloors: MockEvalResult[] = [];
    let evalError: string | undefined;
    for (let r = 1; r <= o.heavyRuns && !evalError; r++) {
        log(`round ${r}/${o.heavyRuns}: Platform under mocks, ${o.mockServices} services`);
        const e = await runNode(dir, "scripts/bench/mock-eval.ts", [String(o.mockServices)]);
        const res = benchResult<MockEvalResult>(e.output);
        if (e.code !== 0 || !res) {
            evalError = firstError(e.output);
            break;
        }
        evals.push(res);
        log(`round ${r}/${o.heavyRuns}: SDK floor under mocks, ${res.registrations} bare registrations`);
        const f = await runNode(dir, "scripts/bench/mock-floor.ts", [String(res.registrations)]);
        const fres = benchResult<MockEvalResult>(f.output);
        if (f.code === 0 && fres) mockFloors.push(fres);
    }
    if (evalError) {
        return { evals, mockFloors, rows: [{ figure: `3. Platform under mocks, ${o.mockServices} services`, unit: "s", text: `FAILED: ${evalError}`, target: "< 3 s", pass: false }] };
    }
    const s = stat(evals.map((e) => e.evalMs));
    const rows: Row[] = [
        {
            figure: `3. Platform under mocks, ${o.mockServices} services (${evals[0]?.registrations ?? 0} registrations)`,
            unit: "s",
            stat: s,
            target: "< 3 s",
            pass: (s?.median ?? Infinity) < 3000,
        },
        { figure: "3. … of which the synchronous constructor", unit: "s", stat: stat(evals.map((e) => e.constructMs)) },
        { figure: "3. … mock-eval process peak RSS", unit: "MB", stat: stat(evals.map((e) => e.maxRssMb)) },
        {
            figure: `3. SDK floor under mocks: as many bare ConfigMaps, no program logic`,
            unit: "s",
            stat: stat(mockFloors.map((e) => e.evalMs)),
        },
    ];
    return { evals, mockFloors, rows };
}
