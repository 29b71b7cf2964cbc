// Strictly typed constructors for rules: an alert cannot be built without a known name, a severity,
// a summary and a description, and always gets its runbook_url. A part narrows the builder to its
// own alert names (RuleBuilder<N>), so it cannot raise an alert whose runbook lives elsewhere.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import type { AlertRule, RecordingRule, Rule } from "./types";

export interface AlertSpec<N extends AlertName = AlertName> {
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

/**
 * Adds a static `job` label to rules generated per job. The series already carry that job; the
 * static label keeps rules of different jobs distinct for `promtool check rules --lint-fatal`
 * (which flags rules sharing a name and static labels) and labels `absent()` results the same way.
 */
export function forJob<R extends Rule>(job: string, rules: R[]): R[] {
    return rules.map((r) => ({ ...r, labels: { ...(r.labels ?? {}), job } }));
}
