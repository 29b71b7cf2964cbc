// Prometheus alerting and recording rules for the platform, generated from the service catalog,
// and the Alertmanager configuration that routes them.
//
//   ruleGroups(inputs)                 every group, typed
//   renderRuleFiles(inputs)            file name → rule-file YAML, for the Prometheus rules ConfigMap
//   countRules(groups)                 numbers of alerts and recording rules
//   renderAlertmanagerConfig(opts)     alertmanager.yml
//   renderRunbooks(services)           docs/runbooks/*.md
//
// The services come only from `inputs.services` (the catalog); the stack's jobs only from
// model/workloads.ts. Nothing here lists a service.
export {
    AlertInputsError,
    countRules,
    renderRuleFiles,
    renderRuleGroups,
    ruleFiles,
    ruleGroups,
    ruleGroupsByFile,
    validateAlertInputs,
    type AlertInputs,
    type RuleCounts,
    type RuleFileKey,
} from "./rules";
export {
    receiverNames,
    renderAlertmanagerConfig,
    type AlertmanagerConfigInputs,
    type AlertReceiverSettings,
} from "./alertmanager";
export { validateLatencyThresholds } from "./buckets";
export { lintRuleGroups, type LintOptions } from "./lint";
export { alertNames, type AlertName } from "../model/alerts";
export { renderRunbooks, runbookSections } from "./runbooks";
export { runbookUrl } from "./rule-builders";
export type { AlertRule, RecordingRule, Rule, RuleGroup } from "./types";
