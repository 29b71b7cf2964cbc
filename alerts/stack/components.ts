// Each stack component: no healthy replica (severity by what is lost), or one target down.
import type { AlertName, Duration, Severity } from "../../model/alerts";
import { alternation, selector } from "../../model/promql";
import { type StackComponent } from "../../model/workloads";
import { forJob, type Hold, type RuleBuilder } from "../core/builder";
import { promql, sh, table } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert, jobVar, nsVar, podsOf } from "../core/runbook-snippets";
import { jobDown, up } from "../core/scrape";
import type { Rule } from "../core/types";
import { stackComponents, stackJob } from "./jobs";
import { durationWords } from "../../model/durations";

/** How bad it is when a component has no healthy replica, and what is lost meanwhile. */
const componentDownImpact: Record<StackComponent, { severity: Severity; impact: string }> = {
    prometheus: {
        severity: "critical",
        impact: "no metrics are collected and no alert is evaluated by this replica (the Watchdog heartbeat stops)",
    },
    alertmanager: {
        severity: "critical",
        impact: "firing alerts are not delivered to anyone (the Watchdog heartbeat stops)",
    },
    loki: { severity: "critical", impact: "logs are not stored; the shippers buffer, then drop them" },
    logShipper: { severity: "warning", impact: "container logs are not shipped to Loki" },
    otelCollector: { severity: "warning", impact: "the services' spans are dropped: no new traces" },
    jaeger: { severity: "warning", impact: "traces cannot be stored or searched" },
    grafana: { severity: "warning", impact: "dashboards are unavailable; alerting is unaffected" },
};

/** No target of a component up for this long; the severity is the component's own (above). */
const componentDownFor: Duration = "5m";
/** One target of a component down: the stack runs degraded. */
const componentTargetDown: Hold = { severity: "warning", for: "10m" };

type Components = Extract<AlertName, "ObservabilityComponentDown" | "ObservabilityTargetDown">;

export function componentRules(rb: RuleBuilder<Components>): Rule[] {
    const rules: Rule[] = stackComponents.flatMap((c) => {
        return forJob(stackJob(c), [
            rb.alert({
                name: "ObservabilityComponentDown",
                expr: jobDown(stackJob(c)),
                for: componentDownFor,
                severity: componentDownImpact[c].severity,
                summary: "{{ $labels.job }} has no healthy replica",
                description:
                    `No scrape target of {{ $labels.job }} has been up for ${durationWords(componentDownFor)} (or none is scraped): ` +
                    `${componentDownImpact[c].impact}.`,
            }),
        ]);
    });
    rules.push(
        rb.alert({
            name: "ObservabilityTargetDown",
            expr: `${selector(up, { job: { re: alternation(stackComponents.map(stackJob)) } })} == 0`,
            ...componentTargetDown,
            summary: "{{ $labels.job }} target {{ $labels.instance }} is down",
            description:
                "Prometheus has failed to scrape {{ $labels.job }} at {{ $labels.instance }} ({{ $labels.pod }}) " +
                `for ${durationWords(componentTargetDown.for)}; the stack runs degraded.`,
        }),
    );
    return rules;
}

export const componentRunbooks = runbooks<Components>(__filename, {
    ObservabilityComponentDown: () => ({
        meaning:
            `No scrape target of an observability component has been up for ${durationWords(componentDownFor)}, or none ` +
            "is scraped. The " +
            "severity depends on what is lost (table).",
        impact: "See the table; while it fires Alertmanager silences the component's other alerts.",
        facts: table(
            ["job", "severity", "what is lost"],
            stackComponents.map((c) => [stackJob(c), componentDownImpact[c].severity, componentDownImpact[c].impact]),
        ),
        check: [
            fromAlert,
            sh(
                `kubectl -n ${nsVar} get pods,pvc ${podsOf(jobVar)} -o wide`,
                `kubectl -n ${nsVar} describe pod <pod> | sed -n '/State:/,/Events:/p'`,
                `kubectl -n ${nsVar} logs <pod> --previous | tail -50`,
            ),
            promql(alertJob(up)),
        ].join("\n\n"),
        act: [
            "- PVC full or unbound (Prometheus, Loki, Jaeger with badger): expand the volume (the persistence size in " +
                "the stack file) or lower retention.",
            "- OOMKilled: raise the component's resources in the stack file.",
            "- Configuration error in the logs after a change: fix or revert the change and «pulumi up».",
        ].join("\n"),
    }),
    ObservabilityTargetDown: () => ({
        meaning: `One scrape target of an observability component has been down for ${durationWords(componentTargetDown.for)}.`,
        impact: "The stack runs degraded (one replica or, for the log shipper, one node's logs).",
        check: [
            fromAlert,
            promql(`${alertJob(up)} == 0`),
            sh(
                `kubectl -n ${nsVar} get pods ${podsOf(jobVar)} -o wide`,
                `kubectl -n ${nsVar} describe pod $POD | sed -n '/Conditions:/,/Events:/p'`,
            ),
        ].join("\n\n"),
        act: [
            `- A ${stackJob("logShipper")} pod down: that node's logs are not shipped; check the node («kubectl describe node»).`,
            "- Pod Ready but scrape failing: check the NetworkPolicy admitting Prometheus and the metrics port.",
            "- Otherwise delete the stuck pod so its controller replaces it.",
        ].join("\n"),
    }),
});
