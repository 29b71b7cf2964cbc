// Prometheus alerting and recording rules for the platform, generated from the service catalog,
// and the Alertmanager configuration that routes them.
//
//   ruleGroups(inputs)                 every group, typed
//   renderRuleFiles(inputs)            file name → rule-file YAML, for the Prometheus rules ConfigMap
//   countRules(groups)                 numbers of alerts and recording rules
//   renderAlertmanagerConfig(opts)     alertmanager.yml
//   renderRunbooks(services)           docs/runbooks/*.md
//
// Each part (services/, slo/, stack/, edge/, cluster/) holds its rules, its runbooks and its promtool cases;
// core/ holds what they share. The services come only from `inputs.services` (the catalog); the
// stack's and the cluster exporters' jobs only from model/workloads.ts. Nothing here lists a service.
export { AlertInputsError } from "./core/errors";
export { lintRuleGroups } from "./core/lint";
export { renderRuleGroups } from "./core/rule-files";
export { runbookSections } from "./core/runbook";
export { isAlertRule, isRecordingRule, type AlertRule, type RuleGroup } from "./core/types";
export { receiverNames, renderAlertmanagerConfig, type AlertmanagerConfigInputs } from "./alertmanager";
export { validateLatencyThresholds } from "./buckets";
export type { AlertInputs } from "./inputs";
export { countRules, renderRuleFiles, ruleFiles, ruleGroups, ruleGroupsByFile } from "./rules";
export { renderRunbooks, runbookSources } from "./runbooks";
