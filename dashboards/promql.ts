// Dashboard-side query helpers on top of model/promql: Grafana's rate window and matchers over the
// catalog's scrape jobs. The queries themselves are written out in full in the dashboard modules.
import type { ServiceSpec } from "../model/catalog";
import { alternation, quote } from "../model/promql";

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const RATE = "$__rate_interval";

/** A `=~` matcher value (already quoted) matching exactly one of `values`. */
export function oneOf(values: readonly string[]): string {
    return quote(alternation(values));
}

/** `job=~"a|b|…"` over the given services: the platform's own scrape jobs, derived from the catalog. */
export function jobsOf(services: readonly ServiceSpec[]): string {
    return `job=~${oneOf(services.map((s) => s.name))}`;
}
