// Reading what the CLI and the bench's node scripts print.

export function tail(text: string, lines: number): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The first error line of a failed run, for the table. */
export function firstError(output: string): string {
    const lines = output.split("\n");
    // A program exception: the engine prints "…failed with an unhandled exception:" then the error itself.
    const exception = lines.find((l) => /^\s*(\w*Error|RunError)\b.*: /.test(l));
    const line = exception ?? lines.find((l) => /^\s*error: /.test(l)) ?? tail(output, 1);
    return line.trim().replace(/\s+/g, " ").slice(0, 140);
}

export function resourceCounts(output: string): { create: number; unchanged: number; changes: number } {
    const n = (re: RegExp) => Number(re.exec(output)?.[1] ?? 0);
    return {
        create: n(/\+ ([0-9]+) to create/),
        unchanged: n(/([0-9]+) unchanged/),
        changes: n(/~ ([0-9]+) to update/) + n(/- ([0-9]+) to delete/) + n(/\+- ([0-9]+) to replace/) + n(/\+ ([0-9]+) to create/),
    };
}

/** The JSON a bench script prints on its `BENCH_RESULT ` line. */
export function benchResult<T>(output: string): T | undefined {
    const line = output.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    return line ? (JSON.parse(line.slice("BENCH_RESULT ".length)) as T) : undefined;
}
