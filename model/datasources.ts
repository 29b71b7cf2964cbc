// Datasource identities shared by the dashboards and the Grafana provisioning; a dashboard may
// only reference a UID listed here (a test checks it).

export const datasources = {
    prometheus: { uid: "azora-prometheus", type: "prometheus", name: "Prometheus" },
    loki: { uid: "azora-loki", type: "loki", name: "Loki" },
    jaeger: { uid: "azora-jaeger", type: "jaeger", name: "Jaeger" },
    alertmanager: { uid: "azora-alertmanager", type: "alertmanager", name: "Alertmanager" },
} as const;

export type DatasourceKey = keyof typeof datasources;
export type DatasourceRef = { uid: string; type: string };
