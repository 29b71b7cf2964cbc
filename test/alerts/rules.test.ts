// The structural promises of the generated Prometheus rules, in TypeScript alone: every service gets
// its rules, every alert has a severity and a runbook, the catalog is the only list of services, a
// file over the ConfigMap budget splits cleanly. The real promtool checks them in promtool.tool.test.ts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { catalog, memoryLimitBytes, type ServiceSpec } from "../../model/catalog";
import {
    AlertInputsError,
    countRules,
    isAlertRule,
    isRecordingRule,
    lintRuleGroups,
    renderRuleFiles,
    ruleFiles,
    ruleGroups,
    ruleGroupsByFile,
    validateLatencyThresholds,
    type AlertRule,
    type RuleGroup,
} from "../../alerts";
import { alertNames } from "../../model/alerts";
import { sloRecordNames, sloWindows } from "../../model/slo";
import { realInputs, repoRoot, runbookBaseUrl } from "./support";
import { httpDurationBucketsSeconds } from "../../model/metrics";

const groups = ruleGroups(realInputs);
const alerts = groups.flatMap((g) => g.rules).filter(isAlertRule);
const records = groups.flatMap((g) => g.rules).filter(isRecordingRule);

/** The job a per-service rule is for: its static `job` label. */
function jobOf(rule: { labels?: Record<string, string> }): string | undefined {
    return rule.labels?.job;
}
function alertsNamed(name: string): AlertRule[] {
    return alerts.filter((a) => a.alert === name);
}

describe("rule files that would outgrow a ConfigMap", () => {
    // The real catalog's services and SLO files are 60–130 KiB; a 40 KiB limit forces parts.
    const limit = 40 * 1024;
    const split = renderRuleFiles(realInputs, limit);
    const rulesOf = (files: Record<string, string>) =>
        Object.values(files)
            .flatMap((text) => (parse(text) as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules))
            .map((r) => JSON.stringify(r))
            .sort();

    it("keeps each file whole, under its usual name, while it fits", () => {
        expect(Object.keys(renderRuleFiles(realInputs)).sort()).toEqual(Object.values(ruleFiles).sort());
    });

    it("splits a file over the limit into numbered parts, each within it", () => {
        const names = Object.keys(split);
        expect(names).toContain("azora-services-1.rules.yaml");
        expect(names).toContain("azora-slo-2.rules.yaml");
        expect(names).toContain("azora-stack.rules.yaml");
        for (const [name, text] of Object.entries(split)) expect(Buffer.byteLength(text), name).toBeLessThanOrEqual(limit);
    });

    it("carries exactly the rules of the whole files, each once", () => {
        expect(rulesOf(split)).toEqual(rulesOf(renderRuleFiles(realInputs)));
    });

    it("keeps a service's rules together in one part", () => {
        const partsWith = (job: string) =>
            Object.entries(split)
                .filter(([name]) => name.startsWith("azora-services-"))
                .filter(([, text]) => (parse(text) as { groups: RuleGroup[] }).groups.some((g) => g.rules.some((r) => r.labels?.job === job)));
        for (const s of catalog) expect(partsWith(s.name).length, s.name).toBe(1);
    });

    it("gives every group a name unique across the parts", () => {
        const names = Object.values(split).flatMap((text) => (parse(text) as { groups: RuleGroup[] }).groups.map((g) => g.name));
        expect(new Set(names).size).toBe(names.length);
    });

    it("refuses when one service's rules alone exceed the limit", () => {
        expect(() => renderRuleFiles(realInputs, 4 * 1024)).toThrow(/azora-services.rules.yaml: the rules of api-gateway alone \(\d+ bytes\) exceed the rule file limit of 4096/);
    });
});

describe("alerts and recording rules derived from the catalog", () => {
    const perService = [
        "AzoraServiceDown",
        "AzoraServiceTargetDown",
        "AzoraHighErrorRate",
        "AzoraHighLatency",
        "AzoraHighMemoryUsage",
        "AzoraAvailabilityBudgetBurn",
        "AzoraLatencyBudgetBurn",
    ];

    it.each(perService)("every catalog service gets %s", (name) => {
        const jobs = new Set(alertsNamed(name).map(jobOf));
        expect(catalog.map((s) => s.name).filter((n) => !jobs.has(n))).toEqual([]);
    });

    it("every service gets an availability and a latency SLO alert, each as a page and as a ticket", () => {
        for (const s of catalog) {
            const slo = alerts.filter((a) => jobOf(a) === s.name && a.labels.slo !== undefined);
            const kinds = slo.map((a) => `${a.labels.slo}/${a.labels.urgency}/${a.labels.severity}`).sort();
            expect(kinds, s.name).toEqual([
                "availability/page/critical",
                "availability/ticket/warning",
                "latency/page/critical",
                "latency/ticket/warning",
            ]);
        }
    });

    it("every service records its error and slow-request ratios over 5m, 30m, 1h, 2h, 6h, 1d and 3d", () => {
        expect([...sloWindows]).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
        for (const s of catalog) {
            const mine = new Set(records.filter((r) => jobOf(r) === s.name).map((r) => r.record));
            for (const w of sloWindows) {
                expect(mine, `${s.name} ${w}`).toContain(sloRecordNames.availability(w));
                expect(mine, `${s.name} ${w}`).toContain(sloRecordNames.latency(w));
            }
        }
    });

    it("the page alert burns at 14.4× over 1h/5m or 6× over 6h/30m and the ticket at 3× over 1d/2h or 1× over 3d/6h", () => {
        const pay = catalog.find((s) => s.database?.name === "payments") as ServiceSpec;
        const burn = alerts.filter((a) => a.alert === "AzoraAvailabilityBudgetBurn" && jobOf(a) === pay.name);
        const page = burn.find((a) => a.labels.urgency === "page")?.expr ?? "";
        const ticket = burn.find((a) => a.labels.urgency === "ticket")?.expr ?? "";
        const budget = Number((1 - pay.slo.availability).toPrecision(12));
        for (const [w, f] of [["1h", 14.4], ["5m", 14.4], ["6h", 6], ["30m", 6]] as const) {
            expect(page).toContain(`ratio_rate${w}{job="${pay.name}"} / ${budget} > ${f}`);
        }
        for (const [w, f] of [["1d", 3], ["2h", 3], ["3d", 1], ["6h", 1]] as const) {
            expect(ticket).toContain(`ratio_rate${w}{job="${pay.name}"} / ${budget} > ${f}`);
        }
    });

    it("the slow-request ratio counts the bucket at the service's own latency threshold", () => {
        for (const s of catalog) {
            const fiveMinutes = records.find((r) => jobOf(r) === s.name && r.record === sloRecordNames.latency("5m"));
            const t = s.slo.latency.thresholdSeconds;
            const le = Number.isInteger(t) ? `le=~"${t}(\\\\.0)?"` : `le="${t}"`;
            expect(fiveMinutes?.expr, s.name).toContain(le);
        }
    });

    it("database pool alerts exist exactly for the services with a database, labelled with it", () => {
        const pool = alertsNamed("AzoraDatabasePoolExhausted");
        expect(new Set(pool.map(jobOf))).toEqual(new Set(catalog.filter((s) => s.database).map((s) => s.name)));
        for (const a of pool) {
            expect(a.labels.database).toBe(catalog.find((s) => s.name === jobOf(a))?.database?.name);
        }
    });

    it("business alerts follow the catalog's business metrics, with the failed outcome label", () => {
        const business = alerts.filter((a) => a.labels.business_metric !== undefined);
        const declared = catalog.flatMap((s) => s.businessMetrics.map((m) => `${s.name}/${m.metric}`));
        expect(new Set(business.map((a) => `${jobOf(a)}/${a.labels.business_metric}`))).toEqual(new Set(declared));
        for (const a of business) expect(a.expr).toContain('outcome="failed"');
        expect(alertsNamed("AzoraPaymentFailures").map(jobOf)).toContain(
            catalog.find((s) => s.businessMetrics.some((m) => m.metric === "azora_payments_total"))?.name,
        );
    });

    it("the 401/403 spike alert watches the one public service", () => {
        expect(alertsNamed("AzoraGatewayAuthErrorSpike").map(jobOf)).toEqual(catalog.filter((s) => s.public).map((s) => s.name));
    });

    it("the memory limit recording rule carries each service's limit in bytes", () => {
        // Written out, not parsed: the expectation must not share the implementation's parser.
        const bytesOf: Record<string, number> = { "256Mi": 268_435_456, "512Mi": 536_870_912, "1Gi": 1_073_741_824 };
        for (const s of catalog) {
            const limit = records.find((r) => r.record === "azora:container_memory_limit_bytes" && jobOf(r) === s.name);
            expect(bytesOf[s.resources.limits.memory], `${s.name}: add its limit to the table`).toBeDefined();
            expect(limit?.expr, s.name).toBe(`vector(${bytesOf[s.resources.limits.memory]})`);
        }
    });

    it("a stack override of a service's memory limit changes its recorded limit", () => {
        const [first] = catalog;
        if (!first) throw new Error("empty catalog");
        const overridden = memoryLimitBytes(catalog, (s) =>
            s.name === first.name
                ? {
                      requests: { cpu: "1", memory: "1Gi", ephemeralStorage: "64Mi" },
                      limits: { cpu: "2", memory: "3Gi", ephemeralStorage: "256Mi" },
                  }
                : s.resources,
        );
        const limit = ruleGroups({ ...realInputs, memoryLimitBytes: overridden })
            .flatMap((g) => g.rules)
            .filter(isRecordingRule)
            .find((r) => r.record === "azora:container_memory_limit_bytes" && jobOf(r) === first.name);
        expect(limit?.expr).toBe(`vector(${3 * 1024 ** 3})`);
    });

    it("the catalog's latency thresholds are all bucket boundaries of the HTTP duration histogram", () => {
        expect(validateLatencyThresholds(catalog)).toEqual([]);
        for (const s of catalog) expect(httpDurationBucketsSeconds).toContain(s.slo.latency.thresholdSeconds);
    });

    it("a latency threshold that is not a bucket boundary is refused with a message naming the service", () => {
        const odd = catalog.map((s, i) => (i === 0 ? { ...s, slo: { ...s.slo, latency: { ...s.slo.latency, thresholdSeconds: 0.42 } } } : s));
        expect(() => ruleGroups({ ...realInputs, services: odd })).toThrow(AlertInputsError);
        expect(() => ruleGroups({ ...realInputs, services: odd })).toThrow(
            new RegExp(`${catalog[0]?.name}\\.slo\\.latency\\.thresholdSeconds 0\\.42 is not a bucket boundary`),
        );
    });

    it("a service without a memory limit is refused with a message naming it", () => {
        const limits = { ...realInputs.memoryLimitBytes };
        const victim = catalog[catalog.length - 1]?.name ?? "";
        delete limits[victim];
        expect(() => ruleGroups({ ...realInputs, memoryLimitBytes: limits })).toThrow(`no limit for service "${victim}"`);
    });

    it("a memory limit for a service the catalog does not know is refused as a likely typo", () => {
        expect(() => ruleGroups({ ...realInputs, memoryLimitBytes: { ...realInputs.memoryLimitBytes, "azora-payy": 1 } })).toThrow(
            '"azora-payy" is not a service of the catalog',
        );
    });

    it("every alert links <runbookBaseUrl>/<AlertName>.md, with or without a trailing slash on the base", () => {
        for (const a of ruleGroups({ ...realInputs, runbookBaseUrl: "https://runbooks.example/azora/" }).flatMap((g) => g.rules).filter(isAlertRule)) {
            expect(a.annotations.runbook_url).toBe(`https://runbooks.example/azora/${a.alert}.md`);
        }
    });

    it("no alerts source file names a catalog service: the catalog stays the only list", () => {
        const dir = join(repoRoot, "alerts");
        const sources = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
        expect(sources).toContain(join("services", "http.ts"));
        for (const file of sources) {
            const text = readFileSync(join(dir, file), "utf8");
            for (const s of catalog) expect(text.includes(s.name), `alerts/${file} names "${s.name}"`).toBe(false);
        }
    });

    it("countRules counts groups, alert rules, distinct alert names and recording rules", () => {
        const alert = (name: string): AlertRule => ({ alert: name, expr: "vector(1)", labels: {}, annotations: {} });
        const hand: RuleGroup[] = [
            { name: "a", rules: [alert("Watchdog"), alert("Watchdog"), { record: "job:x:rate5m", expr: "vector(1)" }] },
            { name: "b", rules: [alert("AzoraServiceDown")] },
        ];
        expect(countRules(hand)).toEqual({ groups: 2, alertRules: 3, alertNames: 2, recordingRules: 1 });
    });

    it("the generated files hold every alert name and, per service, a memory limit, 2 SLO objectives, the latency threshold and 16 SLO ratios", () => {
        const counts = countRules(groups);
        expect(counts.alertNames).toBe(alertNames.length);
        // 7 windows and the 30-day period, for errors and for slow requests: 16 ratios.
        expect(counts.recordingRules).toBe(catalog.length * (1 + 2 + 1 + 16));
    });
});

describe("the Kubernetes and node alerts (azora-cluster.rules.yaml)", () => {
    const cluster = ruleGroupsByFile(realInputs).cluster.flatMap((g) => g.rules).filter(isAlertRule);
    const objectScoped = cluster.filter((a) => /kube_(pod|deployment|statefulset|daemonset|job|cronjob|horizontalpodautoscaler|resourcequota)_|kubelet_volume|container_cpu/.test(a.expr));

    it("watches objects only in the platform's three namespaces", () => {
        expect(objectScoped.length).toBeGreaterThan(20);
        for (const a of objectScoped) {
            for (const sel of a.expr.match(/(kube_|kubelet_volume|container_cpu)\w+\{[^}]*\}/g) ?? []) {
                expect(sel, a.alert).toContain('namespace=~"azora|azora-observability|azora-logging"');
            }
        }
    });

    it("follows the namespaces a stack renames", () => {
        const renamed = ruleGroupsByFile({ ...realInputs, namespaces: { services: "shop", observability: "shop-obs", logging: "shop-logs" } })
            .cluster.flatMap((g) => g.rules)
            .filter(isAlertRule);
        const pods = renamed.find((a) => a.alert === "KubePodCrashLooping");
        expect(pods?.expr).toContain('namespace=~"shop|shop-obs|shop-logs"');
        expect(pods?.expr).not.toContain("azora-observability");
    });

    it("pages for a failed migration or backup Job, by their role label, and warns for any other Job", () => {
        const failed = cluster.filter((a) => a.alert === "KubeJobFailed");
        expect(failed.map((a) => `${a.labels.job_role ?? "other"}/${a.labels.severity}`).sort()).toEqual([
            "backup/critical",
            "migration/critical",
            "other/warning",
        ]);
        for (const a of failed.filter((x) => x.labels.job_role)) {
            expect(a.expr).toContain(`label_azora_io_job_role="${a.labels.job_role}"`);
        }
    });

    it("pages for a backup CronJob whose last success is older than its schedule allows", () => {
        const tooOld = cluster.filter((a) => a.alert === "KubeCronJobLastSuccessTooOld");
        expect(tooOld.find((a) => a.labels.job_role === "backup")?.labels.severity).toBe("critical");
        for (const a of tooOld) expect(a.expr).toContain("kube_cronjob_next_schedule_time");
    });

    it("forecasts volumes and node filesystems filling up with predict_linear as well as a threshold", () => {
        for (const name of ["KubePersistentVolumeFillingUp", "NodeFilesystemSpaceFillingUp"]) {
            const rules = cluster.filter((a) => a.alert === name);
            expect(rules.map((a) => a.labels.severity).sort(), name).toEqual(["critical", "warning"]);
            expect(rules.find((a) => a.labels.severity === "warning")?.expr, name).toContain("predict_linear(");
            expect(rules.find((a) => a.labels.severity === "critical")?.expr, name).not.toContain("predict_linear(");
        }
    });

    it("reads kube-state-metrics, the kubelet and node exporter under their scrape jobs", () => {
        const jobs = new Set(cluster.flatMap((a) => [...a.expr.matchAll(/job="([^"]+)"/g)].map((m) => m[1])));
        expect([...jobs].sort()).toEqual(["kube-state-metrics", "kubelet", "node-exporter"]);
        expect(cluster.filter((a) => a.expr.includes("container_cpu")).every((a) => a.expr.includes('metrics_path="/metrics/cadvisor"'))).toBe(true);
    });
});

describe("the request-rate anomaly alert", () => {
    const anomaly = alertsNamed("AzoraRequestRateAnomaly");

    it("compares every service's request rate with the same hour one week earlier, both ways", () => {
        for (const s of catalog) {
            const mine = anomaly.filter((a) => jobOf(a) === s.name);
            expect(mine.map((a) => a.labels.direction).sort(), s.name).toEqual(["high", "low"]);
            for (const a of mine) expect(a.expr, s.name).toContain("offset 1w");
        }
    });
});

describe("lintRuleGroups", () => {
    function withAlert(change: (a: AlertRule) => AlertRule): RuleGroup[] {
        const [first] = groups;
        if (!first) throw new Error("no groups");
        let done = false;
        return [
            {
                ...first,
                rules: first.rules.map((r) => {
                    if (done || !isAlertRule(r)) return r;
                    done = true;
                    return change(r);
                }),
            },
        ];
    }

    it("finds nothing wrong with the generated groups", () => {
        expect(lintRuleGroups(groups, { runbookBaseUrl })).toEqual([]);
    });

    it("names an alert that has no runbook_url", () => {
        const problems = lintRuleGroups(
            withAlert((a) => ({ ...a, annotations: { summary: "s", description: "d" } })),
        );
        expect(problems).toEqual([expect.stringMatching(/alert "AzoraServiceDown": missing the runbook_url annotation/)]);
    });

    it("names an alert that has no severity", () => {
        const problems = lintRuleGroups(withAlert((a) => ({ ...a, labels: { job: "x" } })));
        expect(problems).toEqual([expect.stringMatching(/alert "AzoraServiceDown": missing the severity label/)]);
    });

    it("names an alert whose severity is not critical, warning, info or none", () => {
        const problems = lintRuleGroups(withAlert((a) => ({ ...a, labels: { ...a.labels, severity: "page" } })));
        expect(problems).toEqual([expect.stringMatching(/alert "AzoraServiceDown": severity "page" is not one of/)]);
    });

    it("names an alert whose runbook_url points at another alert's runbook", () => {
        const problems = lintRuleGroups(
            withAlert((a) => ({ ...a, annotations: { ...a.annotations, runbook_url: `${runbookBaseUrl}/Watchdog.md` } })),
            { runbookBaseUrl },
        );
        expect(problems).toEqual([expect.stringMatching(/alert "AzoraServiceDown": runbook_url .*Watchdog\.md is not/)]);
    });

    it("names an alert whose expression has an unbalanced parenthesis", () => {
        const problems = lintRuleGroups(withAlert((a) => ({ ...a, expr: `sum(${a.expr}` })));
        expect(problems).toEqual([expect.stringMatching(/alert "AzoraServiceDown": expr does not parse/)]);
    });

    it("names an alert without a summary or description", () => {
        const problems = lintRuleGroups(withAlert((a) => ({ ...a, annotations: { runbook_url: a.annotations.runbook_url ?? "" } })));
        expect(problems).toEqual([
            expect.stringMatching(/alert "AzoraServiceDown": missing the summary annotation/),
            expect.stringMatching(/alert "AzoraServiceDown": missing the description annotation/),
        ]);
    });
});
