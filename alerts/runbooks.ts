// Runbooks, one per alert NAME, generated into docs/runbooks/<AlertName>.md. The prose is written
// here; the tables (per-service thresholds, ports, callers, SLOs) and the example rules come from
// the catalog and the generated rules, so a runbook never disagrees with what fires.
//
// Writing convention in this file: «code» is rendered as `code` (keeps the template literals
// readable); fenced blocks come from sh()/promql()/logql().
import { callersOf, memoryLimitBytes, type ServiceSpec } from "../model/catalog";
import { observabilityWorkloads } from "../model/workloads";
import { timings } from "./alertmanager";
import { p99CeilingFactor } from "./buckets";
import { ruleGroups } from "./rules";
import { alertNames, type AlertName } from "../model/alerts";
import {
    businessPolicyFor,
    errorRateThresholds,
    gatewayAuthErrors,
    memoryThresholds,
    minBusinessFailures,
    minRequestsPerSecond,
    poolExhaustion,
    poolSaturation,
} from "./services";
import { burnRatePolicies } from "./slo";
import { sloPeriod, sloRecordNames, sloWindows } from "../model/slo";
import { componentDownImpact, shipperDropMetrics, shipperRetryMetrics, stackComponents, stackJob } from "./stack";
import { formatPercent, formatSeconds } from "./rule-builders";
import { type AlertRule, isAlertRule } from "./types";
import { defaultNamespaces } from "../model/namespaces";

export const runbookSections = ["## Meaning", "## Impact", "## Check", "## Act"] as const;

interface Runbook {
    meaning: string;
    impact: string;
    /** Optional generated facts (tables) shown before Check. */
    facts?: string;
    check: string;
    act: string;
}

type RunbookFn = (services: readonly ServiceSpec[]) => Runbook;

const F = "```";
function block(lang: string, ...body: string[]): string {
    return `${F}${lang}\n${body.join("\n")}\n${F}`;
}
const sh = (...body: string[]): string => block("sh", ...body);
const promql = (...body: string[]): string => block("promql", ...body);
const logql = (...body: string[]): string => block("logql", ...body);

function table(headers: string[], rows: string[][]): string {
    const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
    return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

const obsNs = defaultNamespaces.observability;
const svcNs = defaultNamespaces.services;
const promForward = sh(`kubectl -n ${obsNs} port-forward svc/${observabilityWorkloads.prometheus.name} 9090:${observabilityWorkloads.prometheus.port}   # then http://localhost:9090`);
const fromAlert =
    "Set «JOB», «NS» and, when the alert has one, «POD» from the alert's «job», «namespace» and «pod» labels " +
    `(the namespaces default to «${svcNs}» for services and «${obsNs}» for the stack; see «namespaces» in the ` +
    "stack file).";

const serviceWorkload = sh(
    "JOB=<job label>; NS=<namespace label>",
    "kubectl -n $NS get deploy,pods,hpa -l app.kubernetes.io/name=$JOB -o wide",
    "kubectl -n $NS get events --sort-by=.lastTimestamp | grep $JOB | tail -20",
    "kubectl -n $NS logs deploy/$JOB --since=15m | tail -100",
);

const rollback = [
    "If it started with a rollout («kubectl -n $NS rollout history deploy/$JOB», «pulumi stack history»), roll back:",
    sh(
        "kubectl -n $NS rollout undo deploy/$JOB     # immediate relief",
        "# then make it stick, or the next `pulumi up` re-deploys the bad version:",
        "pulumi config set --path 'workloads.services.<service>.tag' <previous-tag> && pulumi up",
    ),
].join("\n\n");

/** The log shipper labels streams with namespace, pod, container and app (= app.kubernetes.io/name). */
const serviceLogs = (filter: string): string => logql(`{namespace="$NS", app="$JOB"} ${filter}`);

const runbooks: Record<AlertName, RunbookFn> = {
    AzoraServiceDown: (services) => ({
        meaning:
            "No scrape target of the service has been up for 3 minutes, or Prometheus has no target for it at all " +
            "(«absent(up{job=...})»). Either every pod is down, crash-looping or unready, or service discovery lost " +
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
            promql('up{job="$JOB"}'),
            "2. The pods, their events and logs (use «--previous» for a crash loop):",
            serviceWorkload,
            sh("kubectl -n $NS describe pod <pod> | sed -n '/State:/,/Events:/p'", "kubectl -n $NS logs <pod> --previous | tail -50"),
            "3. Pods Running and Ready but «up == 0»: the scrape itself fails. Check «/metrics» from inside the " +
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
            "One pod of the service has failed its «/metrics» scrape for 5 minutes while others may still be up.",
        impact: "Capacity is reduced; if it is a stuck pod still receiving traffic, a share of requests fails.",
        check: [
            fromAlert,
            promql('up{job="$JOB"}', 'sum by (job) (up{job="$JOB"}) / count by (job) (up{job="$JOB"})'),
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
    AzoraHighErrorRate: () => ({
        meaning:
            "A share of the service's HTTP responses have a 5xx status over 5 minutes: " +
            errorRateThresholds.map((t) => `${t.severity} above ${formatPercent(t.value)} for ${t.for}`).join(", ") +
            `, counted only above ${minRequestsPerSecond} requests/s.`,
        impact:
            "Users see failures on the affected routes; the availability SLO budget burns (see " +
            "[AzoraAvailabilityBudgetBurn](AzoraAvailabilityBudgetBurn.md)).",
        check: [
            fromAlert,
            "1. Which routes and codes:",
            promql(
                'sum by (route, status_code) (rate(http_requests_total{job="$JOB", status_code=~"5.."}[5m]))',
                'sum by (route) (rate(http_requests_total{job="$JOB", status_code=~"5.."}[5m])) / sum by (route) (rate(http_requests_total{job="$JOB"}[5m]))',
            ),
            "2. The errors in the logs, and a failing trace in Jaeger (service = the job):",
            serviceLogs('|= "error" | json | line_format "{{.msg}}"'),
            "3. Is it a dependency? Check the callees' own alerts, the database pool and recent rollouts:",
            serviceWorkload,
        ].join("\n\n"),
        act: [
            "- 502/503/504 only: an upstream (callee) is down or slow; act on that service's alert.",
            "- 500 on every route after a deploy: roll back (below).",
            "- Database errors in the logs: see [AzoraDatabasePoolExhausted](AzoraDatabasePoolExhausted.md) and the database's health.",
            rollback,
        ].join("\n"),
    }),
    AzoraHighLatency: (services) => ({
        meaning:
            "The service's request duration percentiles (from «http_request_duration_seconds_bucket», 5 minutes) are " +
            `high: p95 above the SLO latency threshold for 10m (warning), p99 above ${p99CeilingFactor}× that threshold ` +
            "for 5m (critical). The «quantile» label says which fired.",
        impact: "Slow pages and API calls; callers may time out and turn it into errors.",
        facts: table(
            ["service", "SLO threshold (p95, warning)", `p99 limit (critical)`],
            services.map((s) => [
                s.name,
                formatSeconds(s.slo.latency.thresholdSeconds),
                formatSeconds(s.slo.latency.thresholdSeconds * p99CeilingFactor),
            ]),
        ),
        check: [
            fromAlert,
            "1. Which routes are slow:",
            promql(
                'histogram_quantile(0.95, sum by (route, le) (rate(http_request_duration_seconds_bucket{job="$JOB"}[5m])))',
            ),
            "2. Saturation: CPU throttling, replicas at the HPA maximum, database pool:",
            promql(
                'rate(process_cpu_seconds_total{job="$JOB"}[5m])',
                'db_pool_connections_in_use{job="$JOB"} / db_pool_connections_max{job="$JOB"}',
            ),
            sh("kubectl -n $NS get hpa $JOB", "kubectl -n $NS top pods -l app.kubernetes.io/name=$JOB"),
            "3. Slow callees: open Jaeger, search the service with «minDuration» set to the threshold and look at the widest child span.",
        ].join("\n\n"),
        act: [
            "- HPA at its maximum: raise «workloads.services.<service>.replicas.max» (or «workloads.replicas.max») and «pulumi up».",
            "- CPU throttled at the limit: raise the CPU limit in the service's resources override.",
            "- A slow callee or the database: follow that component's alert; consider shedding load at the gateway.",
            "- After a deploy: roll back («kubectl -n $NS rollout undo deploy/$JOB», then pin the previous tag in the stack file).",
        ].join("\n"),
    }),
    AzoraDatabasePoolExhausted: (services) => ({
        meaning:
            `A pod's database connection pool is at or near its maximum: warning above ${formatPercent(poolSaturation.value)} ` +
            `in use for ${poolSaturation.for}; critical when all connections are in use and requests wait for one ` +
            `(«db_pool_pending_acquires» > 0) for ${poolExhaustion.for}. The «database» label names the database.`,
        impact: "Requests queue for a connection and time out; latency and 5xx rise together.",
        facts: table(
            ["service", "database"],
            services.filter((s) => s.database).map((s) => [s.name, s.database?.name ?? ""]),
        ),
        check: [
            fromAlert,
            promql(
                'db_pool_connections_in_use{job="$JOB"} / db_pool_connections_max{job="$JOB"}',
                'db_pool_pending_acquires{job="$JOB"}',
            ),
            "Slow or blocked queries on the database (a long query holds its connection):",
            sh(
                "psql \"$DATABASE_URL\" -c \"select pid, now() - query_start as age, state, wait_event_type, left(query, 80) " +
                    "from pg_stat_activity where datname = '<database>' order by age desc limit 20;\"",
            ),
            serviceLogs('|~ "(?i)timeout|pool|acquire"'),
        ].join("\n\n"),
        act: [
            "- Long-running or blocked queries: cancel them («select pg_cancel_backend(<pid>);»), then find the caller.",
            "- Traffic grew: more replicas spread the load but multiply connections; check the server's " +
                "«max_connections» before raising the pool size or replicas.",
            "- Connection leak (in use climbs without traffic): restart the pods («kubectl -n $NS rollout restart " +
                "deploy/$JOB») and file a bug with the logs.",
        ].join("\n"),
    }),
    AzoraHighMemoryUsage: (services) => ({
        meaning:
            "A pod's resident memory («process_resident_memory_bytes») is close to its container memory limit " +
            "(recorded per service as «azora:container_memory_limit_bytes», from the catalog or the stack override): " +
            memoryThresholds.map((t) => `${t.severity} above ${formatPercent(t.value)} for ${t.for}`).join(", ") +
            ".",
        impact: "At the limit the kernel OOM-kills the container: in-flight requests fail and the pod restarts.",
        facts: table(
            ["service", "catalog request / limit"],
            services.map((s) => [s.name, `${s.resources.requests.memory} / ${s.resources.limits.memory}`]),
        ),
        check: [
            fromAlert,
            promql(
                'process_resident_memory_bytes{job="$JOB"} / on (job) group_left azora:container_memory_limit_bytes{job="$JOB"}',
                'deriv(process_resident_memory_bytes{job="$JOB"}[1h])   # steady growth = leak',
                'nodejs_heap_size_used_bytes{job="$JOB"}',
            ),
            sh(
                "kubectl -n $NS top pods -l app.kubernetes.io/name=$JOB",
                "kubectl -n $NS get pods -l app.kubernetes.io/name=$JOB -o jsonpath='{range .items[*]}{.metadata.name} {.status.containerStatuses[0].lastState.terminated.reason}{\"\\n\"}{end}'",
            ),
        ].join("\n\n"),
        act: [
            "- Growth with traffic: raise the memory limit in «workloads.services.<service>.resources» (the recording " +
                "rule follows the stack override) and «pulumi up».",
            "- Steady growth regardless of traffic (leak): take a heap snapshot if possible, restart the pods " +
                "(«kubectl -n $NS rollout restart deploy/$JOB») to buy time, and file a bug.",
        ].join("\n"),
    }),
    AzoraAuthFailureRateHigh: (services) => businessRunbook(services, "azora_auth_attempts_total", (owner) => ({
        meaning: "A large share of sign-in attempts fail (wrong credentials, expired MFA codes, locked accounts).",
        impact:
            "Either users cannot sign in (a bug, a broken MFA e-mail path, clock skew on TOTP) or someone is " +
            "guessing credentials (credential stuffing).",
        check: [
            promql(
                'sum by (pod) (rate(azora_auth_attempts_total{job="$JOB", outcome="failed"}[10m]))',
                'sum by (route, status_code) (rate(http_requests_total{job="$JOB"}[10m]))',
            ),
            serviceLogs('|= "auth" | json | outcome="failed"'),
            "Compare with the gateway's 401/403 ([AzoraGatewayAuthErrorSpike](AzoraGatewayAuthErrorSpike.md)) and " +
                `the external endpoints of ${owner.name} (${externalHosts(owner)}).`,
        ],
        act: [
            "- Few clients, many failures: an attack. Tighten the gateway rate limit («edge.rateLimit») or block the sources at the ingress; inform security.",
            `- Failures across all users after a deploy: roll back ${owner.name} (see [AzoraServiceDown](AzoraServiceDown.md) for the commands).`,
            "- MFA failures only: check the mail endpoint and the pods' clock («date» in the pod vs NTP).",
        ],
    })),
    AzoraGatewayAuthErrorSpike: (services) => ({
        meaning:
            `More than ${formatPercent(gatewayAuthErrors.ratio)} of the public gateway's responses were 401 or 403 over ` +
            `5 minutes, with at least ${gatewayAuthErrors.minPerSecond}/s of them, for ${gatewayAuthErrors.for}.`,
        impact: "Legitimate users may be locked out, or an attack is under way against the public API.",
        facts: table(
            ["public gateway"],
            services.filter((s) => s.public).map((s) => [s.name]),
        ),
        check: [
            fromAlert,
            promql(
                'sum by (route, status_code) (rate(http_requests_total{job="$JOB", status_code=~"401|403"}[5m]))',
                ...authOwners(services).map((a) => `sum by (status_code) (rate(http_requests_total{job="${a.name}"}[5m]))`),
            ),
            serviceLogs('| json | status_code=~"401|403"'),
            "Token issuance problems show up as failed verification in the gateway logs: a rotated signing key " +
                "(«secrets.rotation») that the gateway has not picked up yet, or clock skew.",
        ].join("\n\n"),
        act: [
            "- After a secret rotation: make sure every pod restarted with the new secret («kubectl -n $NS rollout status " +
                `deploy/<service>» for the gateway and ${authOwners(services).map((a) => a.name).join(", ") || "the auth service"}).`,
            "- One client release sends bad tokens: contact its owners; the gateway's per-client rate limit contains the noise.",
            "- Attack: lower «edge.rateLimit.rps» for the ingress, block sources, inform security.",
        ].join("\n"),
    }),
    AzoraPaymentFailures: (services) => businessRunbook(services, "azora_payments_total", (owner) => ({
        meaning: "A share of payment attempts end with outcome «failed» (not including the retries that succeed).",
        impact: "Revenue is lost and learners cannot subscribe; failed charges may need reconciliation.",
        check: [
            promql('sum by (pod) (rate(azora_payments_total{job="$JOB", outcome="failed"}[10m]))'),
            serviceLogs('|= "payment" | json | outcome="failed"'),
            `Check the processor's status page and the egress to it (${externalHosts(owner)}), and whether ` +
                `${owner.name}'s callees (${owner.calls.join(", ") || "none"}) are healthy.`,
        ],
        act: [
            "- Processor outage: nothing to fix locally; post a status notice, watch for recovery, reconcile afterwards.",
            ...owner.externalSecrets.map(
                (key) =>
                    `- Authentication errors to the processor: the «${key}» external secret expired or was rotated; update it ` +
                    `(«pulumi config set --secret --path 'secrets.externalValues.${owner.name}.${key}'» or the ` +
                    `«${owner.name}-external» Secret) and restart the pods.`,
            ),
            `- After a deploy: roll back ${owner.name}.`,
        ],
    })),
    AzoraEnrollmentFailures: (services) => businessRunbook(services, "azora_enrollments_total", (owner) => ({
        meaning: "A share of course enrollments end with outcome «failed».",
        impact: "Learners cannot join courses.",
        check: [
            promql('sum by (pod) (rate(azora_enrollments_total{job="$JOB", outcome="failed"}[15m]))'),
            serviceLogs('|= "enroll" | json | outcome="failed"'),
            `${owner.name} calls ${owner.calls.join(", ") || "no other service"}; check their alerts` +
                (owner.database ? ` and the «${owner.database.name}» database pool.` : "."),
        ],
        act: [
            "- A callee is failing: act on that service's alert.",
            "- Validation failures after a content change (course capacity, prerequisites): tell the course owners.",
            `- After a deploy: roll back ${owner.name}.`,
        ],
    })),
    AzoraBusinessOperationFailures: (services) => ({
        meaning:
            "A share of a service's business operations (the «operation» and «business_metric» labels: builds, " +
            "searches, provider calls, ledger writes, assessments...) end with outcome «failed».",
        impact: "The feature the operation belongs to fails for users even if HTTP status codes look fine.",
        facts: table(
            ["service", "metric", "operation", "thresholds"],
            services.flatMap((s) =>
                s.businessMetrics
                    .filter((m) => businessPolicyFor(m).alert === "AzoraBusinessOperationFailures")
                    .map((m) => [s.name, `«${m.metric}»`, m.title, thresholdsText(businessPolicyFor(m).thresholds, businessPolicyFor(m).window)]),
            ),
        ),
        check: [
            fromAlert,
            promql('sum by (pod) (rate({__name__="<business_metric label>", job="$JOB", outcome="failed"}[15m]))'),
            serviceLogs('| json | outcome="failed"'),
            "Check the service's callees and external endpoints (for example the AI provider for provider calls).",
        ].join("\n\n"),
        act: [
            "- External provider failing or over quota: check its status and the service's API key; reduce load if quota-bound.",
            "- A callee failing: act on that service's alert.",
            "- After a deploy: roll back the service.",
        ].join("\n"),
    }),
    AzoraAvailabilityBudgetBurn: (services) => sloRunbook(services, "availability"),
    AzoraLatencyBudgetBurn: (services) => sloRunbook(services, "latency"),
    Watchdog: () => ({
        meaning:
            "Always firing, by design («vector(1)», severity «none»). It proves the whole alerting path works: " +
            "Prometheus evaluates rules, Alertmanager receives and routes them, and the dead man's switch " +
            `(«observability.alertmanager.deadMansSwitchUrl») receives a heartbeat every ${timings.deadMansSwitch.repeat_interval} ` +
            "(set its period to about three times that).",
        impact:
            "None while it fires. The incident is its *absence*: the dead man's switch service raises it when the " +
            "heartbeat stops. Never silence or inhibit it.",
        check: [
            "When the dead man's switch reports a missing heartbeat:",
            sh(
                `kubectl -n ${obsNs} get pods -l 'app.kubernetes.io/name in (prometheus,alertmanager)'`,
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -iE 'error|notif' | tail`,
                `kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -iE 'error|webhook' | tail`,
            ),
            promql('ALERTS{alertname="Watchdog"}', "prometheus_notifications_alertmanagers_discovered"),
        ].join("\n\n"),
        act: [
            "- Prometheus down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            "- Alertmanager down or unreachable: see [PrometheusNotConnectedToAlertmanagers](PrometheusNotConnectedToAlertmanagers.md).",
            "- Both up: the webhook to the dead man's switch fails; see [AlertmanagerFailedToSendAlerts](AlertmanagerFailedToSendAlerts.md) (integration «webhook»).",
            "- Until fixed, no alert reaches anyone: watch the dashboards by hand.",
        ].join("\n"),
    }),
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
    PrometheusRuleEvaluationFailures: () => ({
        meaning:
            "Prometheus failed to evaluate rules of a group («rule_group» label) over 15 minutes. Typical causes: a " +
            "query returning duplicate series after relabelling (many-to-many matching), or a query over too many samples.",
        impact: "Alerts and recorded series of that group are missing: silence, not safety.",
        check: [
            promForward,
            "Status → Rules shows the failing rule and its error. Or:",
            sh(`kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -i 'rule' | grep -i error | tail`),
            promql('increase(prometheus_rule_evaluation_failures_total[5m]) > 0'),
            "Run the generated files through «promtool check rules» and the unit tests: «npx vitest run test/alerts».",
        ].join("\n\n"),
        act: [
            "- A label change made series collide: fix the rule in «alerts/» (add the label to «by (...)»/«on (...)»), " +
                "or the scrape relabelling; deploy.",
            "- Query limits («query.max-samples»): narrow the selector or record an intermediate result.",
        ].join("\n"),
    }),
    PrometheusNotificationQueueRunningFull: () => ({
        meaning:
            "The queue of alert notifications waiting to be sent to Alertmanager has been above 80% of its capacity " +
            "for 15 minutes.",
        impact: "When the queue is full new notifications are dropped: alerts go undelivered.",
        check: [
            promql(
                "prometheus_notifications_queue_length / prometheus_notifications_queue_capacity",
                "rate(prometheus_notifications_sent_total[5m])",
                "rate(prometheus_notifications_dropped_total[5m])",
            ),
            sh(`kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=alertmanager -o wide`),
        ].join("\n\n"),
        act: [
            "- Alertmanager slow or unreachable: see [PrometheusErrorSendingAlerts](PrometheusErrorSendingAlerts.md).",
            "- A flood of alerts (hundreds firing): find the noisy rule (topk over «ALERTS») and fix its cardinality.",
        ].join("\n"),
    }),
    PrometheusErrorSendingAlerts: () => ({
        meaning:
            "A share of alert notifications from Prometheus to one Alertmanager («alertmanager» label) failed over " +
            "5 minutes: warning above 1%, critical above 3%, for 15 minutes.",
        impact: "Alerts may not reach Alertmanager, hence nobody.",
        check: [
            promql("rate(prometheus_notifications_errors_total[5m]) / rate(prometheus_notifications_sent_total[5m])"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -i 'notifier' | tail`,
                `kubectl -n ${obsNs} get pods,endpoints -l app.kubernetes.io/name=alertmanager -o wide`,
                `kubectl -n ${obsNs} get networkpolicy`,
            ),
        ].join("\n\n"),
        act: [
            "- Alertmanager pods down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Connection refused or timeouts: check the NetworkPolicy allowing Prometheus to reach Alertmanager on port ${observabilityWorkloads.alertmanager.port}.`,
        ].join("\n"),
    }),
    PrometheusNotConnectedToAlertmanagers: () => ({
        meaning: "Prometheus has discovered no Alertmanager for 10 minutes.",
        impact: "Every alert this Prometheus evaluates reaches nobody; only the dead man's switch notices.",
        check: [
            promql("prometheus_notifications_alertmanagers_discovered"),
            promForward,
            "Status → Runtime & Build Information lists the Alertmanagers; Status → Configuration shows «alerting:».",
            sh(`kubectl -n ${obsNs} get svc,endpoints -l app.kubernetes.io/name=alertmanager`),
        ].join("\n\n"),
        act: [
            "- No endpoints: Alertmanager pods are not Ready; fix them first.",
            "- Wrong target in the Prometheus configuration (service name, namespace, port): fix the observability component and «pulumi up».",
        ].join("\n"),
    }),
    PrometheusTSDBCompactionsFailing: () => ({
        meaning: "Prometheus has failed to compact TSDB blocks for 4 hours.",
        impact: "Head blocks are not persisted efficiently: memory and disk use grow until Prometheus fails.",
        check: [
            promql("increase(prometheus_tsdb_compactions_failed_total[3h])", "prometheus_tsdb_head_series"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=4h | grep -i compact | tail`,
                `kubectl -n ${obsNs} exec statefulset/prometheus -- df -h /prometheus`,
            ),
        ].join("\n\n"),
        act: [
            "- Disk full: expand the volume («observability.prometheus.persistence.size») or lower «retentionSize».",
            "- A corrupt block named in the logs: stop the pod, move the block directory aside, start again (data in that block is lost).",
        ].join("\n"),
    }),
    PrometheusTSDBReloadsFailing: () => ({
        meaning: "Prometheus has failed to reload TSDB blocks from disk for 4 hours.",
        impact: "Queries miss data of the unreadable blocks; retention cleanup may stall and the disk fill.",
        check: [
            promql("increase(prometheus_tsdb_reloads_failures_total[3h])"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/prometheus --since=4h | grep -iE 'reload|block' | tail`,
                `kubectl -n ${obsNs} exec statefulset/prometheus -- ls -la /prometheus`,
            ),
        ].join("\n\n"),
        act: "- Move the block named in the error out of the data directory and restart the pod; check the volume for I/O errors.",
    }),
    PrometheusConfigReloadFailed: () => ({
        meaning: "Prometheus's last configuration or rule reload failed and has not succeeded for 10 minutes.",
        impact: "Prometheus keeps running the previous configuration and rules: recent rule changes are not live.",
        check: [
            promql("prometheus_config_last_reload_successful", "prometheus_config_last_reload_success_timestamp_seconds"),
            sh(`kubectl -n ${obsNs} logs statefulset/prometheus --since=30m | grep -i 'reload' | tail`),
            "Validate what was deployed: «npx vitest run test/alerts» runs promtool on the generated rule files.",
        ].join("\n\n"),
        act: "- Fix the configuration or rule error named in the logs and deploy; then check Status → Rules.",
    }),
    AlertmanagerFailedToSendAlerts: () => ({
        meaning:
            "More than 1% of Alertmanager's notifications to an integration («integration» label: slack, webhook) " +
            "failed over 5 minutes.",
        impact: "People are not told about alerts (slack), or the dead man's switch misses heartbeats (webhook).",
        check: [
            promql(
                "sum by (integration) (rate(alertmanager_notifications_failed_total[5m])) / sum by (integration) (rate(alertmanager_notifications_total[5m]))",
            ),
            sh(`kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -iE 'notify|error' | tail`),
        ].join("\n\n"),
        act: [
            "- Slack «invalid_token» / 404: the webhook was revoked; set a new one («pulumi config set --secret --path secrets.slackWebhookUrl» or the existing Secret) and «pulumi up».",
            "- Timeouts: the egress NetworkPolicy of Alertmanager or the cluster's outbound path.",
        ].join("\n"),
    }),
    AlertmanagerClusterMembersMismatch: () => ({
        meaning:
            "An Alertmanager replica has seen fewer cluster members than there are Alertmanager replicas scraped, for 15 minutes.",
        impact: "The cluster is split: notifications can be duplicated, and silences do not reach every replica.",
        check: [
            promql("alertmanager_cluster_members", "alertmanager_peer_position"),
            sh(
                `kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -i cluster | tail`,
                `kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=alertmanager -o wide`,
            ),
        ].join("\n\n"),
        act: `- Check the NetworkPolicy allows the replicas to reach each other on port ${observabilityWorkloads.alertmanager.clusterPort} (TCP and UDP) and the peer list; restart the isolated replica.`,
    }),
    AlertmanagerConfigReloadFailed: () => ({
        meaning: "Alertmanager's last configuration reload failed and has not succeeded for 10 minutes.",
        impact: "Routing and receivers are those of the previous configuration: new receivers or routes are not live.",
        check: [
            promql("alertmanager_config_last_reload_successful"),
            sh(`kubectl -n ${obsNs} logs statefulset/alertmanager --since=30m | grep -i 'config' | tail`),
            "Validate the rendered file: «amtool check-config alertmanager.yml» (the alerts tests do this for every receiver type).",
        ].join("\n\n"),
        act: "- Fix the error named in the logs (often an unreadable «api_url_file»: the Slack Secret is not mounted) and deploy.",
    }),
    OtelCollectorExportFailures: () => ({
        meaning:
            `A trace pipeline process has been failing to export spans (or to queue them for export) for 15 minutes: ` +
            `the OpenTelemetry Collector (job «${observabilityWorkloads.otelCollector.name}», exporting to Jaeger) or ` +
            `Jaeger v2 itself (job «${observabilityWorkloads.jaeger.name}», a collector whose exporter writes to trace ` +
            "storage). The «exporter» label names the failing exporter.",
        impact: "Those spans are dropped: traces are missing or incomplete in Jaeger.",
        check: [
            fromAlert,
            promql(
                'sum by (exporter) (rate({__name__=~"otelcol_exporter_(send|enqueue)_failed_spans(_total)?", job="$JOB"}[5m]))',
                'otelcol_exporter_queue_size{job="$JOB"} / otelcol_exporter_queue_capacity{job="$JOB"}',
            ),
            sh(
                "kubectl -n $NS logs -l app.kubernetes.io/name=$JOB --since=15m --prefix | grep -iE 'export|error' | tail",
                `kubectl -n $NS get pods,pvc -l app.kubernetes.io/name=${observabilityWorkloads.jaeger.name}`,
            ),
        ].join("\n\n"),
        act: [
            "- Collector → Jaeger failing: Jaeger down or unreachable; see [ObservabilityComponentDown](ObservabilityComponentDown.md) " +
                `and the NetworkPolicy to Jaeger's OTLP port (${observabilityWorkloads.jaeger.otlpGrpcPort}).`,
            "- Jaeger → storage failing: the badger volume is full or corrupt; expand «observability.jaeger.persistence.size» " +
                "or lower «observability.jaeger.maxTraces».",
            "- Queue full under load: lower «observability.otelCollector.samplingPercentage» or add collector replicas.",
        ].join("\n"),
    }),
    OtelCollectorRefusedSpans: () => ({
        meaning:
            "A receiver («receiver» label) of the collector or of Jaeger has been refusing spans for 10 minutes, almost " +
            "always the memory limiter pushing back because the pipeline cannot keep up.",
        impact: "The senders drop the refused spans after their own retries (the services' SDKs, or the collector).",
        check: [
            fromAlert,
            promql(
                'sum by (receiver) (rate({__name__=~"otelcol_receiver_refused_spans(_total)?", job="$JOB"}[5m]))',
                'process_resident_memory_bytes{job="$JOB"}',
            ),
            sh("kubectl -n $NS logs -l app.kubernetes.io/name=$JOB --since=15m --prefix | grep -i 'memory' | tail"),
        ].join("\n\n"),
        act: [
            "- Exports failing too: fix those first ([OtelCollectorExportFailures](OtelCollectorExportFailures.md)), the backlog is the cause.",
            "- Sustained load: add replicas («observability.otelCollector.replicas»), lower the sampling percentage, or raise the memory limit.",
        ].join("\n"),
    }),
    LokiRequestErrors: () => ({
        meaning: "More than 10% of Loki's requests on a route («route» label) returned 5xx over 5 minutes, for 15 minutes.",
        impact: "Push routes: log lines are retried by the shipper and eventually lost. Query routes: Grafana's log panels fail.",
        check: [
            promql(
                'sum by (route, status_code) (rate(loki_request_duration_seconds_count{status_code=~"5.."}[5m]))',
            ),
            sh(
                `kubectl -n ${obsNs} logs statefulset/${observabilityWorkloads.loki.name} --since=15m | grep -i 'level=error' | tail`,
                `kubectl -n ${obsNs} exec statefulset/${observabilityWorkloads.loki.name} -- df -h`,
            ),
        ].join("\n\n"),
        act: [
            "- Disk full: expand «observability.loki.persistence.size» or shorten «observability.loki.retention».",
            "- Out of memory on queries: narrow the dashboards' queries or raise Loki's resources.",
        ].join("\n"),
    }),
    LokiDiscardedSamples: () => ({
        meaning:
            "Loki has been rejecting log lines for 15 minutes; the «reason» label says why (rate_limited, " +
            "per_stream_rate_limit, line_too_long, greater_than_max_sample_age, stream_limit...).",
        impact: "The rejected lines are lost.",
        check: [
            promql("sum by (reason, tenant) (rate(loki_discarded_samples_total[5m]))"),
            logql('topk(10, sum by (namespace, pod) (bytes_over_time({namespace=~".+"}[5m])))'),
        ].join("\n\n"),
        act: [
            "- «rate_limited»/«per_stream_rate_limit»: find the noisy pod (query above), lower its log level («workloads.logLevel» or its env), or raise Loki's ingestion limits.",
            "- «greater_than_max_sample_age»: a shipper is replaying an old backlog; it clears by itself.",
            "- «line_too_long»: a service logs huge lines (payload dumps); fix the service.",
        ].join("\n"),
    }),
    LokiPushLatencyHigh: () => ({
        meaning: "The 99th percentile of Loki's push requests has been above 1s for 15 minutes.",
        impact: "Shippers back up, buffer, then drop logs; log search lags behind.",
        check: [
            promql(
                'histogram_quantile(0.99, sum by (route, le) (rate(loki_request_duration_seconds_bucket{route=~"loki_api_v1_push|api_prom_push"}[5m])))',
                'rate(loki_distributor_bytes_received_total[5m])',
            ),
            sh(`kubectl -n ${obsNs} top pods -l app.kubernetes.io/name=${observabilityWorkloads.loki.name}`),
        ].join("\n\n"),
        act: [
            "- CPU throttled or memory at the limit: raise Loki's resources.",
            "- Slow disk: check the volume's storage class; move to a faster one.",
            "- A log flood: see [LokiDiscardedSamples](LokiDiscardedSamples.md) to find the noisy pod.",
        ].join("\n"),
    }),
    LokiIngestionStalled: () => ({
        meaning: "Loki is scraped but its distributor has received no log line for 25 minutes (10m rate, held 15m).",
        impact: "No logs are being stored although every pod writes logs: the shipping path is broken.",
        check: [
            promql(
                "rate(loki_distributor_lines_received_total[10m])",
                `up{job="${observabilityWorkloads.logShipper.name}"}`,
                `sum by (pod) (rate(loki_write_sent_entries_total{job="${observabilityWorkloads.logShipper.name}"}[5m]))`,
            ),
            sh(
                `kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=${observabilityWorkloads.logShipper.name} -o wide`,
                `kubectl -n ${obsNs} logs -l app.kubernetes.io/name=${observabilityWorkloads.logShipper.name} --since=30m | grep -iE 'error|warn' | tail`,
            ),
        ].join("\n\n"),
        act: [
            "- Shippers down: see [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Shippers up with output errors: see [LogShipperOutputErrors](LogShipperOutputErrors.md); check the NetworkPolicy to Loki's port ${observabilityWorkloads.loki.port}.`,
        ].join("\n"),
    }),
    LogShipperOutputErrors: () => ({
        meaning:
            "The log shipper (Grafana Alloy's «loki.write»; Fluent Bit's output counters are matched too) is failing " +
            "to deliver to Loki: warning when it has been retrying failed pushes for 15 minutes " +
            `(«${shipperRetryMetrics}»), critical when it has been dropping entries for 10 minutes ` +
            `(«${shipperDropMetrics}»).`,
        impact: "Warning: logs arrive late. Critical: logs collected by that shipper pod are lost.",
        check: [
            fromAlert,
            promql(
                'sum by (pod) (rate(loki_write_batch_retries_total{job="$JOB"}[5m]))',
                'sum by (pod, reason) (rate(loki_write_dropped_entries_total{job="$JOB"}[5m]))',
                'histogram_quantile(0.99, sum by (le) (rate(loki_write_request_duration_seconds_bucket{job="$JOB"}[5m])))',
            ),
            sh(
                "kubectl -n $NS logs $POD --since=15m | grep -iE 'error|retry|drop' | tail",
                `kubectl -n ${obsNs} get pods -l app.kubernetes.io/name=${observabilityWorkloads.loki.name}`,
            ),
        ].join("\n\n"),
        act: [
            "- Loki rejecting (400/429 in the shipper logs, «reason» on the drop counter): see [LokiDiscardedSamples](LokiDiscardedSamples.md).",
            "- Loki unreachable or 5xx: see [LokiRequestErrors](LokiRequestErrors.md) and [ObservabilityComponentDown](ObservabilityComponentDown.md).",
            `- Only one shipper pod: its network path to Loki (port ${observabilityWorkloads.loki.port}, NetworkPolicy); restart that pod.`,
        ].join("\n"),
    }),
};

function thresholdsText(thresholds: readonly { severity: string; value: number; for: string }[], window: string): string {
    return thresholds.map((t) => `${t.severity} > ${formatPercent(t.value)} over ${window} for ${t.for}`).join("; ");
}

interface BusinessText {
    meaning: string;
    impact: string;
    check: string[];
    act: string[];
}

/** Services exporting the sign-in outcome counter: "the auth service", found through the catalog. */
function authOwners(services: readonly ServiceSpec[]): ServiceSpec[] {
    return services.filter((s) => s.businessMetrics.some((m) => m.metric === "azora_auth_attempts_total"));
}

function externalHosts(s: ServiceSpec): string {
    return s.externalEndpoints.map((e) => `${e.host}:${e.port}, ${e.purpose}`).join("; ") || "none in the catalog";
}

/** The runbook of a business outcome alert; the prose is written per owning service (the one
 *  exporting `metric` in the catalog), so names, callees and secrets come from the catalog. */
function businessRunbook(
    services: readonly ServiceSpec[],
    metric: string,
    textFor: (owner: ServiceSpec) => BusinessText,
): Runbook {
    const owners = services.flatMap((s) => s.businessMetrics.filter((m) => m.metric === metric).map((m) => ({ s, m })));
    const first = owners[0];
    if (!first) throw new Error(`no service of the catalog exports ${metric}`);
    const text = textFor(first.s);
    return {
        meaning:
            `${text.meaning} Counted from «${metric}» with «outcome="failed"»; it fires only once at least ` +
            `${minBusinessFailures} operations failed within the window.`,
        impact: text.impact,
        facts: table(
            ["service", "metric", "thresholds"],
            owners.map(({ s, m }) => [s.name, `«${m.metric}»`, thresholdsText(businessPolicyFor(m).thresholds, businessPolicyFor(m).window)]),
        ),
        check: [fromAlert, ...text.check].join("\n\n"),
        act: text.act.join("\n"),
    };
}

function sloRunbook(services: readonly ServiceSpec[], kind: "availability" | "latency"): Runbook {
    const bad = kind === "availability" ? "requests answered with a 5xx" : "requests slower than the service's threshold";
    const minutes = (objective: number): string => `${Math.round((1 - objective) * 30 * 24 * 60 * 10) / 10} min`;
    const policyRows = burnRatePolicies.flatMap((p) =>
        p.conditions.map((c) => [
            p.urgency,
            p.severity,
            `${c.factor}×`,
            `${c.long} and ${c.short}`,
            `${Math.round((100 * c.factor * parseWindowHours(c.long)) / (30 * 24) * 10) / 10}% of the budget`,
        ]),
    );
    return {
        meaning:
            `The service spends its ${sloPeriod} ${kind} error budget (the share of ${bad} the SLO allows) faster than ` +
            "sustainable, measured over a long and a short window at once (multi-window, multi-burn-rate, Google SRE " +
            "workbook). «urgency=page» (critical) means the budget is gone within days; «urgency=ticket» (warning) " +
            "within the month. The value in the summary is the burn rate over the long window (1× = exactly the budget).",
        impact:
            kind === "availability"
                ? "Users see errors; at this rate the SLO will be missed."
                : "Users wait; at this rate the latency SLO will be missed.",
        facts: [
            table(
                ["service", kind === "availability" ? "objective" : "objective (threshold)", "budget per 30 days"],
                services.map((s) =>
                    kind === "availability"
                        ? [s.name, formatPercent(s.slo.availability), `${minutes(s.slo.availability)} of full outage`]
                        : [
                              s.name,
                              `${formatPercent(s.slo.latency.target)} faster than ${formatSeconds(s.slo.latency.thresholdSeconds)}`,
                              `${formatPercent(1 - s.slo.latency.target)} of requests slow`,
                          ],
                ),
            ),
            table(["urgency", "severity", "burn rate", "windows (both must exceed)", "budget spent when it fires"], policyRows),
            `Recorded ratios: «${sloRecordNames[kind]("5m")}» and the other windows (${sloWindows.join(", ")}).`,
        ].join("\n\n"),
        check: [
            fromAlert,
            "1. How fast, over which windows:",
            promql(
                ...sloWindows.map((w) => `${sloRecordNames[kind](w)}{job="$JOB"}`),
            ),
            kind === "availability"
                ? "2. Where the errors come from: follow [AzoraHighErrorRate](AzoraHighErrorRate.md)'s checks."
                : "2. Which routes are slow: follow [AzoraHighLatency](AzoraHighLatency.md)'s checks.",
            promql(
                kind === "availability"
                    ? 'sum by (route, status_code) (rate(http_requests_total{job="$JOB", status_code=~"5.."}[1h]))'
                    : 'histogram_quantile(0.95, sum by (route, le) (rate(http_request_duration_seconds_bucket{job="$JOB"}[1h])))',
            ),
            "3. Did it start with a rollout? «kubectl -n $NS rollout history deploy/$JOB», «pulumi stack history».",
        ].join("\n\n"),
        act: [
            "- **Page**: mitigate first (roll back the last change, scale out, fail over a dependency), diagnose after.",
            "- **Ticket**: a slow leak of budget; find the cause during working hours (a route with chronic errors or " +
                "slowness, a noisy dependency) and fix it before the budget runs out.",
            "- When the budget is spent: freeze risky releases for the service until it recovers (error-budget policy).",
        ].join("\n"),
    };
}

function parseWindowHours(w: string): number {
    const n = Number.parseFloat(w);
    if (w.endsWith("m")) return n / 60;
    if (w.endsWith("h")) return n;
    if (w.endsWith("d")) return n * 24;
    throw new Error(`unsupported window ${w}`);
}

function exampleRules(rules: AlertRule[]): string {
    const seen = new Set<string>();
    const picked = rules.filter((r) => {
        const key = `${r.labels.severity}/${r.labels.quantile ?? ""}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
    const perJob = new Set(rules.map((r) => /job="([^"]+)"/.exec(r.expr)?.[1] ?? "")).size;
    const note =
        rules.length > picked.length
            ? `${rules.length} rules carry this name (${perJob > 1 ? `one set per job, ${perJob} jobs; ` : ""}` +
              "thresholds above); the first of each severity, as generated:"
            : "As generated:";
    return [
        note,
        ...picked.map(
            (r) =>
                `**${r.labels.severity}**${r.for ? `, for ${r.for}` : ""}` +
                `${Object.entries(r.labels).filter(([k]) => k !== "severity").map(([k, v]) => `, ${k}=${v}`).join("")}\n\n` +
                promql(r.expr),
        ),
    ].join("\n\n");
}

function render(name: AlertName, rb: Runbook, rules: AlertRule[]): string {
    const severities = [...new Set(rules.map((r) => r.labels.severity))].join(", ");
    const parts = [
        `<!-- Generated by alerts/runbooks.ts (make runbooks): edit the generator, not this file. -->`,
        `# ${name}`,
        `Severity: **${severities}**. Summary template: «${rules[0]?.annotations.summary ?? ""}»`,
        runbookSections[0],
        rb.meaning,
        runbookSections[1],
        rb.impact,
        ...(rb.facts ? ["## Thresholds and facts", rb.facts] : []),
        "## Rule",
        exampleRules(rules),
        runbookSections[2],
        rb.check,
        runbookSections[3],
        rb.act,
    ];
    return `${parts.join("\n\n").replace(/[«»]/g, "`")}\n`;
}

/** File name (relative to docs/runbooks) → markdown: one runbook per alert name plus README.md. */
export function renderRunbooks(services: readonly ServiceSpec[]): Record<string, string> {
    const groups = ruleGroups({
        services,
        memoryLimitBytes: memoryLimitBytes(services),
        runbookBaseUrl: "https://runbooks.invalid",
    });
    const rules = groups.flatMap((g) => g.rules).filter(isAlertRule);
    const out: Record<string, string> = {};
    const index: string[][] = [];
    for (const name of alertNames) {
        const own = rules.filter((r) => r.alert === name);
        if (own.length === 0) continue;
        const rb = runbooks[name](services);
        out[`${name}.md`] = render(name, rb, own);
        index.push([`[${name}](${name}.md)`, [...new Set(own.map((r) => r.labels.severity))].join(", "), rb.meaning.split(". ")[0] ?? ""]);
    }
    out["README.md"] =
        [
            "<!-- Generated by alerts/runbooks.ts (make runbooks): edit the generator, not this file. -->",
            "# Runbooks",
            "One runbook per alert name; every alert's «runbook_url» annotation points here. Services and components " +
                "are told apart by the alert's labels («job», «namespace», «pod», «slo»...).",
            table(["alert", "severity", "meaning"], index.map((r) => r.map((c) => c.replace(/\|/g, "\\|")))),
        ]
            .join("\n\n")
            .replace(/[«»]/g, "`") + "\n";
    return out;
}
