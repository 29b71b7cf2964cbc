// Each stack component: no healthy replica (severity by what is lost), or one target down.
import type { AlertName, Severity } from "../../model/alerts";
import { by, regexEscape, selector } from "../../model/promql";
import { observabilityWorkloads, type StackComponent } from "../../model/workloads";
import { forJob, lines, type RuleBuilder } from "../core/builder";
import { promql, sh, table } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { fromAlert, obsNs } from "../core/runbook-snippets";
import type { Rule } from "../core/types";
import { stackComponents, stackJob } from "./jobs";

/** How bad it is when a component has no healthy replica, and what is lost meanwhile. */
export const componentDownImpact: Record<StackComponent, { severity: Severity; impact: string }> = {
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

type Components = Extract<AlertName, "ObservabilityComponentDown" | "ObservabilityTargetDown">;

export function componentRules(rb: RuleBuilder<Components>): Rule[] {
    const rules: Rule[] = stackComponents.flatMap((c) => {
        const up = selector("up", { job: stackJob(c) });
        return forJob(stackJob(c), [
            rb.alert({
                name: "ObservabilityComponentDown",
                expr: lines(`sum ${by(["namespace", "job"])} (${up}) == 0`, "or", `absent(${up})`),
                for: "5m",
                severity: componentDownImpact[c].severity,
                summary: "{{ $labels.job }} has no healthy replica",
                description:
                    "No scrape target of {{ $labels.job }} has been up for 5 minutes (or none is scraped): " +
                    `${componentDownImpact[c].impact}.`,
            }),
        ]);
    });
    const jobs = stackComponents.map((c) => regexEscape(stackJob(c))).join("|");
    rules.push(
        rb.alert({
            name: "ObservabilityTargetDown",
            expr: `${selector("up", { job: { re: jobs } })} == 0`,
            for: "10m",
            severity: "warning",
            summary: "{{ $labels.job }} target {{ $labels.instance }} is down",
            description:
                "Prometheus has failed to scrape {{ $labels.job }} at {{ $labels.instance }} ({{ $labels.pod }}) " +
                "for 10 minutes; the stack runs degraded.",
        }),
    );
    return rules;
}

export const componentRunbooks = runbooks<Components>(__filename, {
    ObservabilityComponentDown: () => ({
        meaning:
            "No scrape target of an observability component has been up for 5 minutes, or none is scraped. The " +
            "severity depends on what is lost (table).",
        impact: "See the table; while it fires Alertmanager silences the component's other alerts.",
        facts: table(
            ["job", "severity", "what is lost"],
            stackComponents.map((c) => [stackJob(c), componentDownImpact[c].severity, componentDownImpact[c].impact]),
        ),
        check: [
            fromAlert,
            sh(
                `kubectl -n ${obsNs} get pods,pvc -l app.kubernetes.io/name=$JOB -o wide`,
                `kubectl -n ${obsNs} describe pod <pod> | sed -n '/State:/,/Events:/p'`,
                `kubectl -n ${obsNs} logs <pod> --previous | tail -50`,
            ),
            promql('up{job="$JOB"}'),
        ].join("\n\n"),
        act: [
            "- PVC full or unbound (Prometheus, Loki, Jaeger with badger): expand the volume (the persistence size in " +
                "the stack file) or lower retention.",
            "- OOMKilled: raise the component's resources in the stack file.",
            "- Configuration error in the logs after a change: fix or revert the change and «pulumi up».",
        ].join("\n"),
    }),
    ObservabilityTargetDown: () => ({
        meaning: "One scrape target of an observability component has been down for 10 minutes.",
        impact: "The stack runs degraded (one replica or, for the log shipper, one node's logs).",
        check: [
            fromAlert,
            promql('up{job="$JOB"} == 0'),
            sh(
                `kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=$JOB -o wide`,
                `kubectl -n ${obsNs} describe pod $POD | sed -n '/Conditions:/,/Events:/p'`,
            ),
        ].join("\n\n"),
        act: [
            `- A ${observabilityWorkloads.logShipper.name} pod down: that node's logs are not shipped; check the node («kubectl describe node»).`,
            "- Pod Ready but scrape failing: check the NetworkPolicy admitting Prometheus and the metrics port.",
            "- Otherwise delete the stuck pod so its controller replaces it.",
        ].join("\n"),
    }),
});
