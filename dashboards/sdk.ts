// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the type bridge is a script of ambient modules, not importable
/// <reference path="./grafana-foundation-sdk.d.ts" />
// The one place dashboards/ imports the Grafana Foundation SDK from. The reference above makes
// the subpath type bridge visible to every compiler that loads this module (tsc, and ts-node
// under `pulumi up`, which only sees files reachable from index.ts).

export * as cog from "@grafana/grafana-foundation-sdk/cog";
export * as common from "@grafana/grafana-foundation-sdk/common";
export * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
export * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
export * as loki from "@grafana/grafana-foundation-sdk/loki";
export * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
export * as stat from "@grafana/grafana-foundation-sdk/stat";
export * as table from "@grafana/grafana-foundation-sdk/table";
export * as logs from "@grafana/grafana-foundation-sdk/logs";
export * as units from "@grafana/grafana-foundation-sdk/units";
