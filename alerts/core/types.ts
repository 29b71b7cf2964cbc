// The shapes of a Prometheus rule file, as written to disk. These are deliberately the loose,
// on-disk shapes (labels and annotations are plain string maps): `lintRuleGroups` checks what the
// type system cannot, so a hand-built or mutated group is held to the same rules as a generated one.
// Generated alerts go through `alert()` in ./builder.ts, whose arguments ARE strictly typed.

import type { Duration } from "../../model/alerts";

export interface RecordingRule {
    record: string;
    expr: string;
    labels?: Record<string, string>;
}

export interface AlertRule {
    alert: string;
    expr: string;
    for?: Duration;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

export type Rule = RecordingRule | AlertRule;

export interface RuleGroup {
    name: string;
    interval?: Duration;
    rules: Rule[];
}

export function isAlertRule(rule: Rule): rule is AlertRule {
    return "alert" in rule;
}

export function isRecordingRule(rule: Rule): rule is RecordingRule {
    return "record" in rule;
}
