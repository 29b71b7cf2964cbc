// Parses PromQL with Prometheus' own parser: every expression becomes one recording rule
// (`dashboard:check:<n>`) of a generated rule file, and `promtool check rules` parses them all,
// reporting each failure with its rule name, which maps back to the dashboard and panel.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Json, QueryRef } from "../../dashboards/inspect";
import { buildHint, pinned } from "../binaries";

const PROMTOOL_INSTALL_HINT = `promtool (Prometheus' rule checker, at the release the stack deploys) parses the dashboards' PromQL — build it with: ${buildHint}`;

/** promtool's path, or undefined when it is not built. */
function promtool(): string | undefined {
    try {
        return pinned("promtool");
    } catch {
        return undefined;
    }
}

export function promtoolVersion(): { ok: true; version: string } | { ok: false; message: string } {
    const bin = promtool();
    if (!bin) return { ok: false, message: PROMTOOL_INSTALL_HINT };
    const run = spawnSync(bin, ["--version"], { encoding: "utf8" });
    if (run.error || run.status !== 0) return { ok: false, message: PROMTOOL_INSTALL_HINT };
    return { ok: true, version: (run.stdout || run.stderr).split("\n")[0].trim() };
}

/** Values Grafana's built-in variables take, as valid PromQL. */
const builtins: Record<string, string> = {
    __rate_interval: "5m",
    __interval: "1m",
    __auto: "1m",
    __range: "1h",
    __range_s: "3600",
    __range_ms: "3600000",
    __interval_ms: "60000",
    __rate_interval_ms: "300000",
};

/** A label value standing in for a query variable, whose options Prometheus only gives at load time. */
const queryVariablePlaceholder = "example";

/** A concrete value per dashboard variable: its first option that is not "All" (a placeholder for a query variable). */
export function variableValues(d: Json): Record<string, string> {
    const values: Record<string, string> = {};
    const templating = d.templating as
        | { list?: { name?: unknown; type?: unknown; options?: { value?: unknown }[]; query?: unknown }[] }
        | undefined;
    for (const v of templating?.list ?? []) {
        if (typeof v.name !== "string") continue;
        const option = (v.options ?? []).map((o) => o.value).find((x) => typeof x === "string" && x !== "$__all");
        const fromQuery = typeof v.query === "string" ? v.query.split(",")[0]?.trim() : undefined;
        const value = typeof option === "string" ? option : v.type === "query" ? queryVariablePlaceholder : fromQuery;
        if (value) values[v.name] = value;
    }
    return values;
}

/** Replaces $name, ${name}, ${name:fmt} and [[name]] by the given values; unknown names stay (and then fail to parse). */
export function substituteVariables(expr: string, values: Record<string, string>): string {
    const all = { ...values, ...builtins };
    return expr.replace(/\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (match, a?: string, b?: string, c?: string) => {
        const name = a ?? b ?? c ?? "";
        return all[name] ?? match;
    });
}

export interface PromqlCheck {
    query: QueryRef;
    /** The expression promtool sees (variables substituted). */
    expr: string;
}

/** Runs promtool over the expressions; returns one problem per expression it rejects, naming dashboard, panel and query. */
export function promtoolProblems(checks: readonly PromqlCheck[]): string[] {
    if (checks.length === 0) return [];
    const dir = mkdtempSync(join(tmpdir(), "dashboards-promql-"));
    try {
        const file = join(dir, "dashboard-queries.rules.yml");
        const rules = checks.map((c, n) => ({ record: `dashboard:check:${n}`, expr: c.expr }));
        writeFileSync(file, stringify({ groups: [{ name: "dashboard-queries", rules }] }, { lineWidth: 0 }));
        const bin = promtool();
        if (!bin) throw new Error(PROMTOOL_INSTALL_HINT);
        const run = spawnSync(bin, ["check", "rules", file], { encoding: "utf8" });
        if (run.error) throw new Error(`${PROMTOOL_INSTALL_HINT} (${run.error.message})`);
        if (run.status === 0) return [];
        const output = `${run.stdout}\n${run.stderr}`;
        const problems: string[] = [];
        for (const line of output.split("\n")) {
            const m = /"dashboard:check:(\d+)": (.*)$/.exec(line);
            const check = m ? checks[Number(m[1])] : undefined;
            if (m && check) {
                const q = check.query;
                problems.push(
                    `${q.dashboard} (${q.dashboardUid}) › panel "${q.panel}" › query ${q.refId}: ${m[2]}\n    expr: ${q.expr}`,
                );
            }
        }
        return problems.length > 0 ? problems : [`promtool rejected the rule file without naming a rule:\n${output}`];
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
