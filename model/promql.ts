// PromQL and LogQL text helpers: one quoting and one escaping for every rule, runbook and
// dashboard. They only quote and join; the expressions themselves are written out where they are
// used, so a reader sees the query, not a DSL.

/** A label matcher value: a plain string is an equality match, `{ re }` a regex match,
 *  `{ not }` an inequality match, `{ notRe }` a negated regex match. */
export type MatcherValue = string | { re: string } | { not: string } | { notRe: string };

/** A PromQL/LogQL double-quoted string literal (Go escaping; JSON's is a compatible subset). */
export function quote(value: string): string {
    return JSON.stringify(value);
}

/** Escapes RE2 metacharacters so a literal name can sit inside a `=~` matcher. */
export function regexEscape(value: string): string {
    return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A regex alternation matching exactly one of `values` (unquoted). */
export function alternation(values: readonly string[]): string {
    if (values.length === 0) throw new Error("an empty alternation would match nothing useful");
    return values.map(regexEscape).join("|");
}

/** `metric{label="value",other=~"re"}`; label order is kept as given. */
export function selector(metric: string, matchers: Record<string, MatcherValue> = {}): string {
    const parts = Object.entries(matchers).map(([label, value]) => {
        if (typeof value === "string") return `${label}=${quote(value)}`;
        if ("re" in value) return `${label}=~${quote(value.re)}`;
        if ("notRe" in value) return `${label}!~${quote(value.notRe)}`;
        return `${label}!=${quote(value.not)}`;
    });
    return `${metric}{${parts.join(",")}}`;
}

/** Selector for a metric whose name may or may not carry the `_total` suffix: OpenTelemetry
 *  Collector releases differ (`otelcol_exporter_send_failed_spans` vs `..._total`). */
export function counterSelector(baseName: string, matchers: Record<string, MatcherValue> = {}): string {
    return selector("", { __name__: { re: `${regexEscape(baseName)}(_total)?` }, ...matchers });
}

/** `by (a, b)` clause. */
export function by(labels: readonly string[]): string {
    return `by (${labels.join(", ")})`;
}

/** A number the way PromQL and the rule file should show it (no 0.30000000000000004). */
export function num(value: number): string {
    return Number.parseFloat(value.toPrecision(12)).toString();
}
