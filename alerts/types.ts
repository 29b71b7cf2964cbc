// The shapes of a Prometheus rule file, as written to disk. These are deliberately the loose,
// on-disk shapes (labels and annotations are plain string maps): `lintRuleGroups` checks what the
// type system cannot, so a hand-built or mutated group is held to the same rules as a generated one.
// Generated alerts go through `alert()` in ./rule-builders.ts, whose arguments ARE strictly typed.

export const severities = ["critical", "warning", "info", "none"] as const;
export type Severity = (typeof severities)[number];

/** SLO alerts say whether they page a human now or open a ticket for working hours. */
export type Urgency = "page" | "ticket";

/** A Prometheus duration such as 30s, 5m, 1h, 3d. */
export type Duration = `${number}${"s" | "m" | "h" | "d" | "w"}`;

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
