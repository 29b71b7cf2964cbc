// Per service: is it up at all (every target down, or none scraped), and is every pod scraped.
import type { AlertName } from "../../model/alerts";
import { callersOf, type ServiceSpec } from "../../model/catalog";
import { by, selector } from "../../model/promql";
import type { Hold, RuleBuilder } from "../core/builder";
import { promql, sh, table } from "../core/markdown";
import { runbooks } from "../core/runbook";
import { alertJob, fromAlert } from "../core/runbook-snippets";
import { jobDown, up } from "../core/scrape";
import type { Rule } from "../core/types";
import { rollback, serviceWorkload } from "./common";
import { durationWords } from "../../model/durations";

/** Every target of the service down, or none scraped: the service is down. */
const serviceDown: Hold = { severity: "critical", for: "3m" };
/** One target failing its scrape: the service runs short of a replica. */
const targetDown: Hold = { severity: "warning", for: "5m" };

type Availability = Extract<AlertName, "AzoraServiceDown" | "AzoraServiceTargetDown">;

export function availabilityRules(rb: RuleBuilder<Availability>, s: ServiceSpec): Rule[] {
    return [
        rb.alert({
            name: "AzoraServiceDown",
            expr: jobDown(s.name),
            ...serviceDown,
            summary: "{{ $labels.job }} has no healthy scrape target",
            description:
                "Every pod of {{ $labels.job }} has failed its /metrics scrape, or no pod is being scraped at all, " +
                `for ${durationWords(serviceDown.for)}: the service is down or invisible to monitoring.`,
        }),
        rb.alert({
            name: "AzoraServiceTargetDown",
            expr: `${selector(up, { job: s.name })} == 0`,
            ...targetDown,
            summary: "{{ $labels.job }} pod {{ $labels.pod }} is failing its scrape",
            description:
                "Prometheus could not scrape {{ $labels.instance }} ({{ $labels.pod }} in {{ $labels.namespace }}) " +
                `for ${durationWords(targetDown.for)}; the service runs on fewer replicas than intended.`,
        }),
    ];
}

export const availabilityRunbooks = runbooks<Availability>(__filename, {
    AzoraServiceDown: (services) => ({
        meaning:
            `No scrape target of the service has been up for ${durationWords(serviceDown.for)}, or Prometheus has no ` +
            `target for it at all («absent(${up}{job=...})»). Either every pod is down, crash-looping or unready, or ` +
            "service discovery lost " +
            "the pods (labels, scrape port, NetworkPolicy).",
        impact:
            "Requests to the service fail; its callers degrade. When the alert is up, Alertmanager silences the " +
            "job's other alerts (error rate, latency, SLO burn): fix this one first.",
        facts: table(
            ["service", "port", "liveness / readiness", "database", "called by"],
            services.map((s) => [
                s.name,
                String(s.port),
                `«${s.health.liveness}» / «${s.health.readiness}»`,
                s.database?.name ?? "—",
                callersOf(services, s.name).map((c) => c.name).join(", ") || (s.public ? "ingress" : "—"),
            ]),
        ),
        check: [
            fromAlert,
            "1. Does Prometheus know any target? No series at all means discovery, not the pods:",
            promql(alertJob(up)),
            "2. The pods, their events and logs (use «--previous» for a crash loop):",
            serviceWorkload,
            sh("kubectl -n $NS describe pod <pod> | sed -n '/State:/,/Events:/p'", "kubectl -n $NS logs <pod> --previous | tail -50"),
            `3. Pods Running and Ready but «${up} == 0»: the scrape itself fails. Check «/metrics» from inside the ` +
                "cluster and the NetworkPolicies that admit Prometheus:",
            sh(
                "kubectl -n $NS port-forward deploy/$JOB 18080:<port> & curl -s localhost:18080/metrics | head",
                "kubectl -n $NS get networkpolicy -o wide",
            ),
        ].join("\n\n"),
        act: [
            "- **CrashLoopBackOff after a deploy**: roll back (below), then read the crash in the previous logs.",
            "- **OOMKilled** in «describe pod»: raise the limit in «workloads.services.<service>.resources» and see " +
                "[AzoraHighMemoryUsage](AzoraHighMemoryUsage.md).",
            "- **Pending**: «kubectl -n $NS describe resourcequota» and node capacity; the namespace quota is " +
                "«namespaces.quota» in the stack file.",
            "- **Readiness failing on a dependency** (the database, a callee listed in the catalog): fix the dependency; the pods recover on their own.",
            "- **Absent**: the scrape job or the pod labels changed; compare the Prometheus configuration's job for " +
                "the service with «kubectl -n $NS get pods --show-labels».",
            rollback,
        ].join("\n"),
    }),
    AzoraServiceTargetDown: () => ({
        meaning:
            `One pod of the service has failed its «/metrics» scrape for ${durationWords(targetDown.for)} while others ` +
            "may still be up.",
        impact: "Capacity is reduced; if it is a stuck pod still receiving traffic, a share of requests fails.",
        check: [
            fromAlert,
            promql(alertJob(up), `sum ${by(["job"])} (${alertJob(up)}) / count ${by(["job"])} (${alertJob(up)})`),
            sh(
                "kubectl -n $NS get pod $POD -o wide",
                "kubectl -n $NS describe pod $POD | sed -n '/Conditions:/,/Events:/p'",
                "kubectl -n $NS logs $POD --since=15m | tail -50",
            ),
        ].join("\n\n"),
        act: [
            "- Pod Ready but scrape failing: the process is wedged or «/metrics» hangs; capture logs, then delete the " +
                "pod («kubectl -n $NS delete pod $POD»); the Deployment replaces it.",
            "- Pod not Ready: follow the events (probe failures, OOMKilled, node problems: «kubectl describe node <node>»).",
            "- Several pods at once: treat as [AzoraServiceDown](AzoraServiceDown.md).",
        ].join("\n"),
    }),
});
