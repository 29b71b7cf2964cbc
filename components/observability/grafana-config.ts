// Grafana's configuration files: grafana.ini (no secrets: those arrive as files through
// GF_*__FILE), datasource provisioning with trace/log/metric links, the dashboard provider.
import { stringify } from "yaml";
import { datasources as ds } from "../../model/datasources";
import { observabilityWorkloads as w } from "../../model/workloads";
import { serviceUrl } from "../../model/urls";

export const grafanaPaths = {
    config: "/etc/grafana/config",
    data: "/var/lib/grafana",
    provisioning: "/etc/grafana/provisioning",
    dashboards: "/etc/grafana/dashboards",
    secrets: "/etc/grafana/secrets",
} as const;

export function grafanaIni(): string {
    const sections: Record<string, Record<string, string | number | boolean>> = {
        server: { http_port: w.grafana.port, enable_gzip: true },
        paths: {
            data: grafanaPaths.data,
            plugins: `${grafanaPaths.data}/plugins`,
            provisioning: grafanaPaths.provisioning,
            logs: "/var/log/grafana",
        },
        log: { mode: "console", level: "info" },
        database: { type: "sqlite3", path: "grafana.db", wal: true },
        analytics: {
            reporting_enabled: false,
            check_for_updates: false,
            check_for_plugin_updates: false,
            feedback_links_enabled: false,
        },
        security: {
            admin_user: "admin",
            cookie_secure: true,
            cookie_samesite: "strict",
            disable_gravatar: true,
            content_security_policy: true,
        },
        users: { allow_sign_up: false, allow_org_create: false },
        "auth.anonymous": { enabled: false },
        snapshots: { external_enabled: false },
        news: { news_feed_enabled: false },
        // Grafana 12 installs a list of plugins from grafana.com at start unless told not to; the pod has no egress.
        plugins: { preinstall_disabled: true },
    };
    return Object.entries(sections)
        .map(([name, kv]) => [`[${name}]`, ...Object.entries(kv).map(([k, v]) => `${k} = ${v}`)].join("\n"))
        .join("\n\n")
        .concat("\n");
}

/** Grafana interpolates $VAR in provisioning files; `$$` keeps a literal `$`. */
const literalDollar = "$$";

export function datasourcesYaml(namespace: string): string {
    const prometheus = serviceUrl(w.prometheus.name, namespace, w.prometheus.port);
    const loki = serviceUrl(w.loki.name, namespace, w.loki.port);
    const jaeger = serviceUrl(w.jaeger.name, namespace, w.jaeger.queryPort);
    const alertmanager = serviceUrl(w.alertmanager.name, namespace, w.alertmanager.port);
    const doc = {
        apiVersion: 1,
        // Datasources removed from this file are deleted from Grafana too.
        prune: true,
        datasources: [
            {
                name: ds.prometheus.name,
                uid: ds.prometheus.uid,
                type: ds.prometheus.type,
                access: "proxy",
                url: prometheus,
                isDefault: true,
                editable: false,
                jsonData: {
                    httpMethod: "POST",
                    timeInterval: "30s",
                    exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: ds.jaeger.uid }],
                },
            },
            {
                name: ds.loki.name,
                uid: ds.loki.uid,
                type: ds.loki.type,
                access: "proxy",
                url: loki,
                editable: false,
                jsonData: {
                    maxLines: 1000,
                    derivedFields: [
                        {
                            name: "TraceID",
                            matcherType: "regex",
                            matcherRegex: '"trace_?[iI]d"\\s*:\\s*"([0-9a-f]{16,32})"',
                            url: `${literalDollar}{__value.raw}`,
                            datasourceUid: ds.jaeger.uid,
                            urlDisplayLabel: "View trace",
                        },
                    ],
                },
            },
            {
                name: ds.jaeger.name,
                uid: ds.jaeger.uid,
                type: ds.jaeger.type,
                access: "proxy",
                url: jaeger,
                editable: false,
                jsonData: {
                    tracesToLogsV2: {
                        datasourceUid: ds.loki.uid,
                        spanStartTimeShift: "-5m",
                        spanEndTimeShift: "5m",
                        filterByTraceID: true,
                        filterBySpanID: false,
                        // The log shipper labels streams with `app` = the workload name = service.name.
                        tags: [{ key: "service.name", value: "app" }],
                    },
                    nodeGraph: { enabled: true },
                },
            },
            {
                name: ds.alertmanager.name,
                uid: ds.alertmanager.uid,
                type: ds.alertmanager.type,
                access: "proxy",
                url: alertmanager,
                editable: false,
                jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
            },
        ],
    };
    return stringify(doc, { lineWidth: 0 });
}

export function dashboardProviderYaml(): string {
    return stringify(
        {
            apiVersion: 1,
            providers: [
                {
                    name: "azora",
                    orgId: 1,
                    folder: "Azora",
                    type: "file",
                    disableDeletion: true,
                    allowUiUpdates: false,
                    updateIntervalSeconds: 60,
                    options: { path: grafanaPaths.dashboards, foldersFromFilesStructure: false },
                },
            ],
        },
        { lineWidth: 0 },
    );
}
