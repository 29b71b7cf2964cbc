// Statistics over runs and the Markdown table the bench prints.

export interface Stat {
    median: number;
    min: number;
    max: number;
    n: number;
}

export function stat(xs: readonly number[]): Stat | undefined {
    if (xs.length === 0) return undefined;
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

export interface Row {
    figure: string;
    unit: "s" | "ms" | "MB" | "×" | "";
    stat?: Stat;
    /** Shown instead of numbers (failure, or a yes/no figure). */
    text?: string;
    target?: string;
    /** undefined: informational row, no verdict. */
    pass?: boolean;
}

function fmt(v: number, unit: Row["unit"]): string {
    if (unit === "s") return `${(v / 1000).toFixed(2)} s`;
    if (unit === "ms") return `${v.toFixed(0)} ms`;
    if (unit === "MB") return `${v.toFixed(0)} MB`;
    if (unit === "×") return `${v.toFixed(2)}×`;
    return String(v);
}

/** Bytes as KiB, or MiB from 1 MiB on. */
export function kb(bytes: number): string {
    return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}

export function table(rows: Row[]): string {
    const head = ["Figure", "Median", "Min", "Max", "Runs", "Target", "Result"];
    const body = rows.map((r) => [
        r.figure,
        r.stat ? fmt(r.stat.median, r.unit) : (r.text ?? "—"),
        r.stat ? fmt(r.stat.min, r.unit) : "",
        r.stat ? fmt(r.stat.max, r.unit) : "",
        r.stat ? String(r.stat.n) : "",
        r.target ?? "",
        r.pass === undefined ? "" : r.pass ? "PASS" : "MISS",
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
