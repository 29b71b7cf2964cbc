// Checks on rule groups that types cannot make: every alert has a known severity, a summary, a
// description and a runbook_url pointing at its own runbook; names and labels are valid; groups
// are unique. Each problem names the group and the rule so a failing test says what to fix.
import { alertNames, severities } from "../../model/alerts";
import { runbookUrl } from "./builder";
import { isAlertRule, type Rule, type RuleGroup } from "./types";

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const alertName = /^[A-Z][A-Za-z0-9]*$/;
const duration = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const knownAlerts: ReadonlySet<string> = new Set(alertNames);

export interface LintOptions {
    /** When set, runbook_url must be exactly `<runbookBaseUrl>/<AlertName>.md`. */
    runbookBaseUrl?: string;
}

/** Unbalanced (), {} or [] outside string literals, as a cheap early parse check. */
function unbalanced(expr: string): string | undefined {
    const pairs: Record<string, string> = { ")": "(", "}": "{", "]": "[" };
    const stack: string[] = [];
    let quote: string | undefined;
    for (let i = 0; i < expr.length; i++) {
        const ch = expr.charAt(i);
        if (quote) {
            if (ch === "\\") i++;
            else if (ch === quote) quote = undefined;
            continue;
        }
        if (ch === '"' || ch === "'" || ch === "`") quote = ch;
        else if (ch === "(" || ch === "{" || ch === "[") stack.push(ch);
        else if (ch in pairs) {
            if (stack.pop() !== pairs[ch]) return `unexpected "${ch}" at offset ${i}`;
        }
    }
    if (quote) return `unterminated string literal ${quote}`;
    if (stack.length > 0) return `unclosed "${stack[stack.length - 1]}"`;
    return undefined;
}

function ruleId(group: RuleGroup, rule: Rule, index: number): string {
    return isAlertRule(rule)
        ? `group "${group.name}" rule ${index + 1} alert "${rule.alert}"`
        : `group "${group.name}" rule ${index + 1} record "${rule.record}"`;
}

export function lintRuleGroups(groups: readonly RuleGroup[], opts: LintOptions = {}): string[] {
    const problems: string[] = [];
    const groupNames = new Set<string>();
    for (const group of groups) {
        if (!group.name) problems.push("a rule group has no name");
        if (groupNames.has(group.name)) problems.push(`group "${group.name}" is defined twice`);
        groupNames.add(group.name);
        if (group.rules.length === 0) problems.push(`group "${group.name}" has no rules`);
        group.rules.forEach((rule, index) => {
            const id = ruleId(group, rule, index);
            const hasAlert = "alert" in rule;
            const hasRecord = "record" in rule;
            if (hasAlert === hasRecord) {
                problems.push(`${id}: a rule must have exactly one of "alert" and "record"`);
                return;
            }
            if (!rule.expr || rule.expr.trim() === "") problems.push(`${id}: expr is empty`);
            else {
                const broken = unbalanced(rule.expr);
                if (broken) problems.push(`${id}: expr does not parse: ${broken}`);
            }
            for (const name of Object.keys(rule.labels ?? {})) {
                if (!labelName.test(name) || name.startsWith("__")) problems.push(`${id}: invalid label name "${name}"`);
            }
            if (!isAlertRule(rule)) {
                if (!metricName.test(rule.record)) problems.push(`${id}: "${rule.record}" is not a valid metric name`);
                else if (!rule.record.includes(":")) {
                    problems.push(`${id}: recording rule names follow level:metric:operations and contain ":"`);
                }
                return;
            }
            if (!alertName.test(rule.alert)) problems.push(`${id}: alert names are UpperCamelCase`);
            if (!knownAlerts.has(rule.alert)) {
                problems.push(`${id}: not listed in model/alerts.ts, so it has no runbook in docs/runbooks`);
            }
            if (rule.for !== undefined && !duration.test(rule.for)) problems.push(`${id}: "for: ${rule.for}" is not a duration`);
            const severity = rule.labels?.severity;
            if (severity === undefined) problems.push(`${id}: missing the severity label`);
            else if (!(severities as readonly string[]).includes(severity)) {
                problems.push(`${id}: severity "${severity}" is not one of ${severities.join("|")}`);
            }
            const annotations = rule.annotations ?? {};
            for (const key of ["summary", "description"]) {
                if (!annotations[key]?.trim()) problems.push(`${id}: missing the ${key} annotation`);
            }
            const url = annotations.runbook_url;
            if (!url?.trim()) problems.push(`${id}: missing the runbook_url annotation`);
            else if (opts.runbookBaseUrl !== undefined && url !== runbookUrl(opts.runbookBaseUrl, rule.alert)) {
                problems.push(`${id}: runbook_url ${url} is not ${runbookUrl(opts.runbookBaseUrl, rule.alert)}`);
            } else if (!url.endsWith(`/${rule.alert}.md`)) {
                problems.push(`${id}: runbook_url ${url} does not end in /${rule.alert}.md`);
            }
        });
    }
    return problems;
}
