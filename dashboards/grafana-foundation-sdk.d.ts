// Type bridge for @grafana/grafana-foundation-sdk under `"moduleResolution": "node"`.
//
// The SDK is CommonJS, but publishes its entry points only through package.json "exports"
// ("@grafana/grafana-foundation-sdk/dashboard", ...). Node and vitest honour "exports"; the
// project's tsconfig (moduleResolution "node") does not, so tsc cannot find the types of the
// subpaths. The runtime paths are right; these declarations point each subpath at its types
// under dist/. They become unnecessary (and harmless) once tsconfig moves to
// "module"/"moduleResolution": "node16". Only the subpaths dashboards/ uses are listed.

declare module "@grafana/grafana-foundation-sdk/cog" {
    export * from "@grafana/grafana-foundation-sdk/dist/cog";
}
declare module "@grafana/grafana-foundation-sdk/common" {
    export * from "@grafana/grafana-foundation-sdk/dist/common";
}
declare module "@grafana/grafana-foundation-sdk/dashboard" {
    export * from "@grafana/grafana-foundation-sdk/dist/dashboard";
}
declare module "@grafana/grafana-foundation-sdk/prometheus" {
    export * from "@grafana/grafana-foundation-sdk/dist/prometheus";
}
declare module "@grafana/grafana-foundation-sdk/loki" {
    export * from "@grafana/grafana-foundation-sdk/dist/loki";
}
declare module "@grafana/grafana-foundation-sdk/timeseries" {
    export * from "@grafana/grafana-foundation-sdk/dist/timeseries";
}
declare module "@grafana/grafana-foundation-sdk/stat" {
    export * from "@grafana/grafana-foundation-sdk/dist/stat";
}
declare module "@grafana/grafana-foundation-sdk/table" {
    export * from "@grafana/grafana-foundation-sdk/dist/table";
}
declare module "@grafana/grafana-foundation-sdk/logs" {
    export * from "@grafana/grafana-foundation-sdk/dist/logs";
}
declare module "@grafana/grafana-foundation-sdk/units" {
    export * from "@grafana/grafana-foundation-sdk/dist/units";
}
