// Strictly typed constructors for rules: an alert cannot be built without a known name, a severity,
// a summary and a description, and always gets its runbook_url. A part narrows the builder to its
// own alert names (RuleBuilder<N>), so it cannot raise an alert whose runbook lives elsewhere.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import { num } from "../../model/promql";
import type { AlertRule, RecordingRule, Rule } from "./types";

interface AlertSpec<N extends AlertName = AlertName> {
    name: N;
    expr: string;
    for?: Duration;
    severity: Severity;
    /** Extra static labels, e.g. { slo: "availability" }; `severity` is set from the field above. */
    labels?: Record<string, string>;
    /** One line; may use {{ $labels.x }} and {{ $value }}. */
    summary: string;
    /** What is wrong, how bad, and the threshold that was crossed; may use templates. */
    description: string;
}

/** How an alert fires once its condition holds: for how long, and how loud. Spread into an
 *  AlertSpec, so the rule and the runbook read the same values. */
export interface Hold {
    severity: Severity;
    for: Duration;
}

/** A hold over a condition measured across `window` (a rate or `*_over_time` range). */
export interface WindowedHold extends Hold {
    window: Duration;
}

/** Just the hold of a threshold that also carries its windows and ratios, to spread into an AlertSpec. */
export function hold({ severity, for: holdFor }: Hold): Hold {
    return { severity, for: holdFor };
}

export function runbookUrl(runbookBaseUrl: string, name: string): string {
    return `${runbookBaseUrl.replace(/\/+$/, "")}/${name}.md`;
}

export interface RuleBuilder<N extends AlertName = AlertName> {
    alert(spec: AlertSpec<N>): AlertRule;
    record(name: string, expr: string, labels?: Record<string, string>): RecordingRule;
}

export function ruleBuilder(runbookBaseUrl: string): RuleBuilder {
    return {
        alert(spec) {
            return {
                alert: spec.name,
                expr: spec.expr,
                ...(spec.for ? { for: spec.for } : {}),
                labels: { severity: spec.severity, ...(spec.labels ?? {}) },
                annotations: {
                    summary: spec.summary,
                    description: spec.description,
                    runbook_url: runbookUrl(runbookBaseUrl, spec.name),
                },
            };
        },
        record(name, expr, labels) {
            return { record: name, expr, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}) };
        },
    };
}

/** Joins expression lines; rule files keep the line breaks (YAML block scalars). */
export function lines(...parts: string[]): string {
    return parts.join("\n");
}

/** A share of rates above a threshold, aggregated `groupBy` (a `by (…)` clause), one term a line:
 *  `sum by (…) (rate(bad[w]))`, `/`, `sum by (…) (rate(all[w]))`, `> ratio`. */
export function rateShareAbove(groupBy: string, share: { bad: string; all: string; window: Duration }, ratio: number): string {
    return lines(
        `sum ${groupBy} (rate(${share.bad}[${share.window}]))`,
        "/",
        `sum ${groupBy} (rate(${share.all}[${share.window}]))`,
        `> ${num(ratio)}`,
    );
}

/**
 * Adds a static `job` label to rules generated per job. The series already carry that job; the
 * static label keeps rules of different jobs distinct for `promtool check rules --lint-fatal`
 * (which flags rules sharing a name and static labels) and labels `absent()` results the same way.
 */
export function forJob<R extends Rule>(job: string, rules: R[]): R[] {
    return rules.map((r) => ({ ...r, labels: { ...(r.labels ?? {}), job } }));
}
