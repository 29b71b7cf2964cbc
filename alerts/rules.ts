// Assembles the rule files from the five parts (services, slo, stack, edge, cluster), validates the inputs
// and lints the result.
import type { ServiceSpec } from "../model/catalog";
import { ruleBuilder } from "./core/builder";
import { AlertInputsError } from "./core/errors";
import { lintRuleGroups } from "./core/lint";
import { splitRuleFile, type RuleFileSource } from "./core/rule-files";
import { isAlertRule, isRecordingRule, type RuleGroup } from "./core/types";
import { type AlertInputs, validateAlertInputs } from "./inputs";
import { serviceRuleGroups } from "./services";
import { sloRuleGroups } from "./slo";
import { stackRuleGroups } from "./stack";
import { clusterRuleGroups } from "./cluster";
import { edgeRuleGroups } from "./edge";
import { defaultNamespaces } from "../model/namespaces";

export const ruleFiles = {
    services: "azora-services.rules.yaml",
    slo: "azora-slo.rules.yaml",
    stack: "azora-stack.rules.yaml",
    edge: "azora-edge.rules.yaml",
    cluster: "azora-cluster.rules.yaml",
} as const;
type RuleFileKey = keyof typeof ruleFiles;
const ruleFileKeys = Object.keys(ruleFiles) as RuleFileKey[];

/** Each file's groups for a subset of the services (every per-service rule selects its own job). */
function ruleFileSource(key: RuleFileKey, inputs: AlertInputs): RuleFileSource {
    const rb = ruleBuilder(inputs.runbookBaseUrl);
    const groupsFor = (services: readonly ServiceSpec[]): RuleGroup[] => {
        if (key === "services") return serviceRuleGroups(rb, services, inputs.memoryLimitBytes);
        if (key === "slo") return sloRuleGroups(rb, services);
        if (key === "cluster") return clusterRuleGroups(rb, inputs.namespaces ?? defaultNamespaces);
        if (key === "edge") return edgeRuleGroups(rb);
        return stackRuleGroups(rb);
    };
    return { file: ruleFiles[key], groupsFor, perService: key === "services" || key === "slo" };
}

function validated(inputs: AlertInputs): void {
    const problems = validateAlertInputs(inputs);
    if (problems.length > 0) throw new AlertInputsError(problems);
}

function linted(groups: readonly RuleGroup[], inputs: AlertInputs): void {
    const lint = lintRuleGroups(groups, { runbookBaseUrl: inputs.runbookBaseUrl });
    if (lint.length > 0) throw new AlertInputsError(lint);
}

/** The groups of each rule file. Throws AlertInputsError when the inputs or the result are invalid. */
export function ruleGroupsByFile(inputs: AlertInputs): Record<RuleFileKey, RuleGroup[]> {
    validated(inputs);
    const files = Object.fromEntries(
        ruleFileKeys.map((key) => [key, ruleFileSource(key, inputs).groupsFor(inputs.services)]),
    ) as Record<RuleFileKey, RuleGroup[]>;
    linted(Object.values(files).flat(), inputs);
    return files;
}

export function ruleGroups(inputs: AlertInputs): RuleGroup[] {
    return Object.values(ruleGroupsByFile(inputs)).flat();
}

/**
 * File name → rule-file YAML, ready for the Prometheus rules ConfigMaps. A file that would exceed
 * `maxFileBytes` (the caller's ConfigMap budget; none by default) is written as parts
 * (`azora-services-1.rules.yaml`, `-2`, …) split by service.
 */
export function renderRuleFiles(inputs: AlertInputs, maxFileBytes = Number.POSITIVE_INFINITY): Record<string, string> {
    validated(inputs);
    const files = ruleFileKeys.flatMap((key) => splitRuleFile(ruleFileSource(key, inputs), inputs.services, maxFileBytes));
    linted(
        files.flatMap((f) => f.groups),
        inputs,
    );
    return Object.fromEntries(files.map((f) => [f.name, f.text]));
}

export interface RuleCounts {
    groups: number;
    /** Alerting rules (one alert name may have several rules: per service, per severity). */
    alertRules: number;
    /** Distinct alert names, i.e. runbooks. */
    alertNames: number;
    recordingRules: number;
}

export function countRules(groups: readonly RuleGroup[]): RuleCounts {
    const rules = groups.flatMap((g) => g.rules);
    return {
        groups: groups.length,
        alertRules: rules.filter(isAlertRule).length,
        alertNames: new Set(rules.filter(isAlertRule).map((r) => r.alert)).size,
        recordingRules: rules.filter(isRecordingRule).length,
    };
}
