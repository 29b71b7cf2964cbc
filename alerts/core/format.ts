// How numbers and durations read in annotations and runbooks, so a threshold written once as data
// reads the same wherever it is stated.
import { num } from "../../model/promql";

/** 0.3 → "300ms", 1 → "1s", 90 → "90s". */
export function formatSeconds(seconds: number): string {
    return seconds < 1 ? `${num(seconds * 1000)}ms` : `${num(seconds)}s`;
}

/** 0.999 → "99.9%", 0.05 → "5%". */
export function formatPercent(ratio: number): string {
    return `${num(ratio * 100)}%`;
}
