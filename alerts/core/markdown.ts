// Markdown pieces of the runbooks: fenced command and query blocks, and tables.
//
// Writing convention in the runbook texts: «code» is rendered as `code` (keeps the template
// literals readable); fenced blocks come from sh()/promql()/logql().
const fence = "```";

function block(lang: string, ...body: string[]): string {
    return `${fence}${lang}\n${body.join("\n")}\n${fence}`;
}
export const sh = (...body: string[]): string => block("sh", ...body);
export const promql = (...body: string[]): string => block("promql", ...body);
export const logql = (...body: string[]): string => block("logql", ...body);

export function table(headers: string[], rows: string[][]): string {
    const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
    return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** «code» → `code`. */
export function backticks(text: string): string {
    return text.replace(/[«»]/g, "`");
}
