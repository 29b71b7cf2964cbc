// A structural LogQL checker for the subset the dashboards use. No Grafana Loki parser is
// available as a Debian package (Debian's "loki" is an unrelated genetics tool; there is no
// logcli package), so this recursive-descent parser follows the LogQL grammar
// (https://grafana.com/docs/loki/latest/query/) closely enough to reject malformed selectors,
// pipelines, range aggregations and regexes. Anything outside the subset is reported, not guessed.

type TokenKind = "ident" | "string" | "number" | "duration" | "punct" | "eof";

interface Token {
    kind: TokenKind;
    text: string;
    pos: number;
}

const punctuation = ["|=", "|~", "!=", "!~", "=~", "==", ">=", "<=", "{", "}", "(", ")", "[", "]", ",", "|", "=", ">", "<", "/", "*", "+", "-"];

function tokenize(src: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (/\s/.test(c)) {
            i++;
            continue;
        }
        if (c === '"') {
            let j = i + 1;
            let value = "";
            while (j < src.length && src[j] !== '"') {
                if (src[j] === "\\") {
                    const next = src[j + 1];
                    if (next === undefined) break;
                    value += next === "n" ? "\n" : next === "t" ? "\t" : next;
                    j += 2;
                } else {
                    value += src[j++];
                }
            }
            if (src[j] !== '"') throw new Error(`unterminated string at ${i}`);
            tokens.push({ kind: "string", text: value, pos: i });
            i = j + 1;
            continue;
        }
        if (c === "`") {
            const j = src.indexOf("`", i + 1);
            if (j < 0) throw new Error(`unterminated raw string at ${i}`);
            tokens.push({ kind: "string", text: src.slice(i + 1, j), pos: i });
            i = j + 1;
            continue;
        }
        const duration = /^(?:\d+(?:ms|s|m|h|d|w|y))+/.exec(src.slice(i));
        if (duration) {
            tokens.push({ kind: "duration", text: duration[0], pos: i });
            i += duration[0].length;
            continue;
        }
        const number = /^\d+(?:\.\d+)?/.exec(src.slice(i));
        if (number) {
            tokens.push({ kind: "number", text: number[0], pos: i });
            i += number[0].length;
            continue;
        }
        const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
        if (ident) {
            tokens.push({ kind: "ident", text: ident[0], pos: i });
            i += ident[0].length;
            continue;
        }
        const p = punctuation.find((op) => src.startsWith(op, i));
        if (!p) throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
        tokens.push({ kind: "punct", text: p, pos: i });
        i += p.length;
    }
    tokens.push({ kind: "eof", text: "", pos: src.length });
    return tokens;
}

const rangeAggregations = new Set([
    "count_over_time",
    "rate",
    "rate_counter",
    "bytes_over_time",
    "bytes_rate",
    "absent_over_time",
    "sum_over_time",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
    "stdvar_over_time",
    "stddev_over_time",
    "quantile_over_time",
]);
/** Range aggregations over an unwrapped label value (all *_over_time but the line-counting ones). */
const unwrapRequired = new Set(
    [...rangeAggregations]
        .filter((f) => f.endsWith("_over_time") && !["count_over_time", "bytes_over_time", "absent_over_time"].includes(f))
        .concat("rate_counter"),
);
const vectorAggregations = new Set(["sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "sort", "sort_desc"]);
const parserStages = new Set(["json", "logfmt", "unpack"]);
const lineFilters = new Set(["|=", "!=", "|~", "!~"]);
const matchOps = new Set(["=", "!=", "=~", "!~"]);
const compareOps = new Set(["=", "==", "!=", "=~", "!~", ">", ">=", "<", "<="]);
const binaryOps = new Set(["/", "*", "+", "-"]);

function checkRegex(pattern: string, where: string): void {
    // RE2 flags like (?i) are valid LogQL; JavaScript only takes them as RegExp flags.
    const body = pattern.replace(/^\(\?[imsU]+\)/, "");
    try {
        new RegExp(body);
    } catch (e) {
        throw new Error(`${where}: invalid regex ${JSON.stringify(pattern)}: ${(e as Error).message}`, { cause: e });
    }
}

class Parser {
    private i = 0;
    constructor(private readonly tokens: Token[]) {}

    private peek(offset = 0): Token {
        return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
    }
    private next(): Token {
        return this.tokens[this.i++];
    }
    private isPunct(text: string): boolean {
        const t = this.peek();
        return t.kind === "punct" && t.text === text;
    }
    private expect(kind: TokenKind, text?: string): Token {
        const t = this.next();
        if (t.kind !== kind || (text !== undefined && t.text !== text)) {
            throw new Error(`expected ${text ?? kind} at ${t.pos}, found ${JSON.stringify(t.text || t.kind)}`);
        }
        return t;
    }

    query(): "log" | "metric" {
        const kind = this.expr();
        this.expect("eof");
        return kind;
    }

    private expr(): "log" | "metric" {
        const left = this.operand();
        while (this.peek().kind === "punct" && binaryOps.has(this.peek().text)) {
            if (left === "log") throw new Error(`binary operator at ${this.peek().pos} needs metric queries`);
            this.next();
            if (this.operand() === "log") throw new Error("binary operator needs metric queries on both sides");
        }
        return left;
    }

    private operand(): "log" | "metric" {
        const t = this.peek();
        if (t.kind === "punct" && t.text === "{") {
            this.logQuery();
            return "log";
        }
        if (t.kind === "punct" && t.text === "(") {
            this.next();
            const inner = this.expr();
            this.expect("punct", ")");
            return inner;
        }
        if (t.kind === "number") {
            this.next();
            return "metric";
        }
        if (t.kind === "ident" && rangeAggregations.has(t.text)) {
            this.rangeAggregation();
            return "metric";
        }
        if (t.kind === "ident" && vectorAggregations.has(t.text)) {
            this.vectorAggregation();
            return "metric";
        }
        throw new Error(`expected a stream selector or a metric query at ${t.pos}, found ${JSON.stringify(t.text || t.kind)}`);
    }

    private grouping(): void {
        const t = this.peek();
        if (t.kind === "ident" && (t.text === "by" || t.text === "without")) {
            this.next();
            this.expect("punct", "(");
            if (!this.isPunct(")")) {
                this.expect("ident");
                while (this.isPunct(",")) {
                    this.next();
                    this.expect("ident");
                }
            }
            this.expect("punct", ")");
        }
    }

    private vectorAggregation(): void {
        const op = this.next().text;
        this.grouping();
        this.expect("punct", "(");
        if (op === "topk" || op === "bottomk") {
            this.expect("number");
            this.expect("punct", ",");
        }
        if (this.expr() !== "metric") throw new Error(`${op}() aggregates a metric query, not log lines`);
        this.expect("punct", ")");
        this.grouping();
    }

    private rangeAggregation(): void {
        const fn = this.next().text;
        this.expect("punct", "(");
        if (fn === "quantile_over_time") {
            this.expect("number");
            this.expect("punct", ",");
        }
        const unwrapped = this.logQuery();
        if (unwrapRequired.has(fn) && !unwrapped) throw new Error(`${fn}() needs an | unwrap stage`);
        this.expect("punct", "[");
        this.expect("duration");
        this.expect("punct", "]");
        if (this.peek().kind === "ident" && this.peek().text === "offset") {
            this.next();
            this.expect("duration");
        }
        this.expect("punct", ")");
        this.grouping();
    }

    /** Returns whether the pipeline unwraps a label. */
    private logQuery(): boolean {
        this.selector();
        let unwrapped = false;
        for (;;) {
            const t = this.peek();
            if (t.kind !== "punct") return unwrapped;
            if (lineFilters.has(t.text)) {
                this.next();
                const value = this.expect("string");
                if (t.text === "|~" || t.text === "!~") checkRegex(value.text, `line filter at ${t.pos}`);
                continue;
            }
            if (t.text !== "|") return unwrapped;
            this.next();
            unwrapped = this.stage() || unwrapped;
        }
    }

    private selector(): void {
        const open = this.expect("punct", "{");
        let selective = false;
        do {
            if (this.isPunct(",")) this.next();
            const label = this.expect("ident");
            const op = this.next();
            if (op.kind !== "punct" || !matchOps.has(op.text)) {
                throw new Error(`expected =, !=, =~ or !~ after label ${label.text} at ${op.pos}`);
            }
            const value = this.expect("string").text;
            if (op.text === "=~" || op.text === "!~") checkRegex(value, `matcher ${label.text}`);
            if (op.text === "=" && value !== "") selective = true;
            if (op.text === "=~" && !new RegExp(`^(?:${value.replace(/^\(\?[imsU]+\)/, "")})$`).test("")) selective = true;
        } while (this.isPunct(","));
        this.expect("punct", "}");
        if (!selective) {
            throw new Error(`stream selector at ${open.pos} needs at least one matcher that does not match the empty string`);
        }
    }

    /** One stage after "|"; returns true for unwrap. */
    private stage(): boolean {
        const t = this.expect("ident");
        if (parserStages.has(t.text)) {
            // json may take extraction parameters: | json a="x.y", b="z"
            if (t.text === "json" && this.peek().kind === "ident" && this.peek(1).text === "=") {
                do {
                    if (this.isPunct(",")) this.next();
                    this.expect("ident");
                    this.expect("punct", "=");
                    this.expect("string");
                } while (this.isPunct(","));
            }
            return false;
        }
        switch (t.text) {
            case "regexp":
                checkRegex(this.expect("string").text, "regexp stage");
                return false;
            case "pattern":
            case "line_format":
                this.expect("string");
                return false;
            case "label_format":
                do {
                    if (this.isPunct(",")) this.next();
                    this.expect("ident");
                    this.expect("punct", "=");
                    const v = this.next();
                    if (v.kind !== "string" && v.kind !== "ident") throw new Error(`label_format needs a string or label at ${v.pos}`);
                } while (this.isPunct(","));
                return false;
            case "drop":
            case "keep":
                do {
                    if (this.isPunct(",")) this.next();
                    this.expect("ident");
                } while (this.isPunct(","));
                return false;
            case "unwrap":
                this.expect("ident");
                return true;
            case "decolorize":
                return false;
            default: {
                // label filter: <label> <op> <string|number|duration>
                const op = this.next();
                if (op.kind !== "punct" || !compareOps.has(op.text)) {
                    throw new Error(`unknown pipeline stage or label filter "${t.text}" at ${t.pos}`);
                }
                const value = this.next();
                if (value.kind !== "string" && value.kind !== "number" && value.kind !== "duration") {
                    throw new Error(`label filter ${t.text} ${op.text} needs a value at ${value.pos}`);
                }
                if ((op.text === "=~" || op.text === "!~") && value.kind === "string") checkRegex(value.text, `label filter ${t.text}`);
                if ([">", ">=", "<", "<="].includes(op.text) && value.kind === "string") {
                    throw new Error(`label filter ${t.text} ${op.text} compares numbers, not strings`);
                }
                return false;
            }
        }
    }
}

/** Grafana's interval variables, replaced by valid durations before checking. */
function substituteGrafanaIntervals(expr: string): string {
    return expr.replace(/\$\{?(__rate_interval|__interval|__range|__auto)\}?/g, (_m, name: string) =>
        name === "__range" ? "1h" : name === "__rate_interval" ? "5m" : "1m",
    );
}

/** Parses a LogQL expression (after Grafana interval substitution); throws with the reason if malformed. */
export function checkLogql(expr: string): "log" | "metric" {
    return new Parser(tokenize(substituteGrafanaIntervals(expr))).query();
}
