// How numbers and durations read in annotations and runbooks, so a threshold written once as data
// reads the same wherever it is stated.
import type { Duration } from "../../model/alerts";
import { num } from "../../model/promql";

/** 0.3 → "300ms", 1 → "1s", 90 → "90s". */
export function formatSeconds(seconds: number): string {
    return seconds < 1 ? `${num(seconds * 1000)}ms` : `${num(seconds)}s`;
}

/** 0.999 → "99.9%", 0.05 → "5%". */
export function formatPercent(ratio: number): string {
    return `${num(ratio * 100)}%`;
}

const units = {
    s: { seconds: 1, word: "second" },
    m: { seconds: 60, word: "minute" },
    h: { seconds: 3600, word: "hour" },
    d: { seconds: 86_400, word: "day" },
    w: { seconds: 604_800, word: "week" },
} as const;
type Unit = keyof typeof units;
const largestFirst = (Object.keys(units) as Unit[]).reverse();

function parse(d: Duration): { n: number; unit: Unit } {
    const m = /^(\d+)([smhdw])$/.exec(d);
    if (!m) throw new Error(`"${d}" is not a whole number of one unit`);
    return { n: Number(m[1]), unit: m[2] as Unit };
}

export function durationSeconds(d: Duration): number {
    const { n, unit } = parse(d);
    return n * units[unit].seconds;
}

/** "5m" → "5 minutes", "1h" → "1 hour": a duration in prose. */
export function durationWords(d: Duration): string {
    const { n, unit } = parse(d);
    return `${n} ${units[unit].word}${n === 1 ? "" : "s"}`;
}

/** "10m" + "15m" → "25m", in the largest unit that divides the sum ("30m" + "30m" → "1h"). */
export function addDurations(...ds: Duration[]): Duration {
    const total = ds.reduce((sum, d) => sum + durationSeconds(d), 0);
    const unit = largestFirst.find((u) => total % units[u].seconds === 0) ?? "s";
    return `${total / units[unit].seconds}${unit}`;
}

/** "warning above 85% for 15m, critical above 95% for 5m": ratio thresholds in prose. */
export function ratioThresholdsText(thresholds: readonly { severity: string; value: number; for: Duration }[]): string {
    return thresholds.map((t) => `${t.severity} above ${formatPercent(t.value)} for ${t.for}`).join(", ");
}

/** "over 5 minutes (above 10% for 15m)": how a ratio alert states its threshold. */
export function ratioOverWindow(t: { window: Duration; ratio: number; for: Duration }): string {
    return `over ${durationWords(t.window)} (above ${formatPercent(t.ratio)} for ${t.for})`;
}
