// The latency alerts against the services' histogram buckets (model/metrics.ts): the latency SLO
// counts "fast" requests with the bucket whose `le` equals the SLO threshold, so a threshold that is
// not a boundary cannot be measured, and `validateLatencyThresholds` rejects the catalog.
import type { ServiceSpec } from "../model/catalog";
import { type MatcherValue, num, regexEscape } from "../model/promql";
import { http, httpDurationBucketsSeconds } from "../model/metrics";

/** The critical p99 alert fires above this multiple of the SLO latency threshold; it must stay
 *  inside the finite buckets, since histogram_quantile cannot report beyond the last boundary. */
export const p99CeilingFactor = 4;

/**
 * The `le` matcher of the bucket whose upper bound is `seconds`. Client libraries write whole numbers as
 * `le="1"`, while Prometheus 3 normalises classic-histogram boundaries to `le="1.0"` at scrape
 * time; whole numbers therefore match both spellings, fractions have only one.
 */
export function leMatcher(seconds: number): MatcherValue {
    const text = num(seconds);
    return Number.isInteger(seconds) ? { re: `${regexEscape(text)}(\\.0)?` } : text;
}

const histogram = http.durationBucket.replace(/_bucket$/, "");

/** Problems with the catalog's latency SLOs against the bucket list, one message per service. */
export function validateLatencyThresholds(
    services: readonly ServiceSpec[],
    buckets: readonly number[] = httpDurationBucketsSeconds,
): string[] {
    const problems: string[] = [];
    const largest = Math.max(...buckets);
    for (const s of services) {
        const t = s.slo.latency.thresholdSeconds;
        if (!buckets.includes(t)) {
            problems.push(
                `catalog: ${s.name}.slo.latency.thresholdSeconds ${t} is not a bucket boundary of ` +
                    `${histogram} (${buckets.join(", ")}); pick one of them or add it to ` +
                    `httpDurationBucketsSeconds in model/metrics.ts and to the services' metrics middleware`,
            );
        }
        if (t * p99CeilingFactor > largest) {
            problems.push(
                `catalog: ${s.name}.slo.latency.thresholdSeconds ${t} × ${p99CeilingFactor} exceeds the largest ` +
                    `bucket (${largest}s), so the p99 latency alert could never fire`,
            );
        }
    }
    return problems;
}
