// How numbers and durations read in annotations and runbooks, so a threshold written once as data
// reads the same wherever it is stated.
import type { Duration } from "../../model/alerts";
import { durationSeconds, durationUnits, durationWords, largestUnitFirst } from "../../model/durations";
import { num } from "../../model/promql";

/** 0.3 → "300ms", 1 → "1s", 90 → "90s". */
export function formatSeconds(seconds: number): string {
    return seconds < 1 ? `${num(seconds * 1000)}ms` : `${num(seconds)}s`;
}

/** 0.999 → "99.9%", 0.05 → "5%". */
export function formatPercent(ratio: number): string {
    return `${num(ratio * 100)}%`;
}

/** "10m" + "15m" → "25m", in the largest unit that divides the sum ("30m" + "30m" → "1h"). */
export function addDurations(...ds: Duration[]): Duration {
    const total = ds.reduce((sum, d) => sum + durationSeconds(d), 0);
    const unit = largestUnitFirst.find((u) => total % durationUnits[u].seconds === 0) ?? "s";
    return `${total / durationUnits[unit].seconds}${unit}`;
}

/** "warning above 85% for 15m, critical above 95% for 5m": ratio thresholds in prose. */
export function ratioThresholdsText(thresholds: readonly { severity: string; value: number; for: Duration }[]): string {
    return thresholds.map((t) => `${t.severity} above ${formatPercent(t.value)} for ${t.for}`).join(", ");
}

/** "over 5 minutes (above 10% for 15m)": how a ratio alert states its threshold. */
export function ratioOverWindow(t: { window: Duration; ratio: number; for: Duration }): string {
    return `over ${durationWords(t.window)} (above ${formatPercent(t.ratio)} for ${t.for})`;
}
