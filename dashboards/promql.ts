// Small, literal helpers for writing PromQL/LogQL from catalog data. They only quote and escape;
// the queries themselves are written out in full in the dashboard modules so they read as PromQL.

import type { ServiceSpec } from "../components/catalog";

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const RATE = "$__rate_interval";

/** A PromQL/LogQL double-quoted string literal. */
export function quote(value: string): string {
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Escapes RE2 metacharacters so `value` matches itself inside a `=~` matcher. */
export function regexEscape(value: string): string {
    return value.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** A `=~` matcher value (already quoted) matching exactly one of `values`. */
export function oneOf(values: readonly string[]): string {
    if (values.length === 0) throw new Error("oneOf: an empty alternation would match nothing useful");
    return quote(values.map(regexEscape).join("|"));
}

/** `job=~"a|b|…"` over the given services: the platform's own scrape jobs, derived from the catalog. */
export function jobsOf(services: readonly ServiceSpec[]): string {
    return `job=~${oneOf(services.map((s) => s.name))}`;
}

/** Renders a number for PromQL without binary floating-point noise (1 - 0.999 → 0.001). */
export function num(value: number): string {
    return String(Number(value.toPrecision(12)));
}

/** Kubernetes CPU quantity ("500m", "1", "1.5") in cores. */
export function cpuCores(quantity: string): number {
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
    if (!m) throw new Error(`unsupported CPU quantity "${quantity}"`);
    const value = Number(m[1]);
    return m[2] === "m" ? value / 1000 : value;
}

const binarySuffixes: Record<string, number> = { "": 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
const decimalSuffixes: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Kubernetes memory quantity ("256Mi", "1Gi", "500M") in bytes. */
export function memoryBytes(quantity: string): number {
    const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity);
    const factor = m ? (binarySuffixes[m[2]] ?? decimalSuffixes[m[2]]) : undefined;
    if (!m || factor === undefined) throw new Error(`unsupported memory quantity "${quantity}"`);
    return Number(m[1]) * factor;
}
