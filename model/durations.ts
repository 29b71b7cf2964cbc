// Prometheus durations as numbers and as prose, for every text that states a window or a hold:
// rule descriptions, runbooks and dashboard descriptions read the same value the same way.
import type { Duration } from "./alerts";

export const durationUnits = {
    s: { seconds: 1, word: "second" },
    m: { seconds: 60, word: "minute" },
    h: { seconds: 3600, word: "hour" },
    d: { seconds: 86_400, word: "day" },
    w: { seconds: 604_800, word: "week" },
} as const;
type Unit = keyof typeof durationUnits;
export const largestUnitFirst = (Object.keys(durationUnits) as Unit[]).reverse();

function parse(d: Duration): { n: number; unit: Unit } {
    const m = /^(\d+)([smhdw])$/.exec(d);
    if (!m) throw new Error(`"${d}" is not a whole number of one unit`);
    return { n: Number(m[1]), unit: m[2] as Unit };
}

export function durationSeconds(d: Duration): number {
    const { n, unit } = parse(d);
    return n * durationUnits[unit].seconds;
}

/** "5m" → "5 minutes", "1h" → "1 hour": a duration in prose. */
export function durationWords(d: Duration): string {
    const { n, unit } = parse(d);
    return `${n} ${durationUnits[unit].word}${n === 1 ? "" : "s"}`;
}
