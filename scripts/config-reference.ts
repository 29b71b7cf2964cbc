// Generates docs/config-reference.md from the zod schema of the stack configuration
// (platformSchema in components/config/schema.ts), so the reference can never drift from what
// components/config/index.ts accepts.
//
//   npx vite-node scripts/config-reference.ts            write docs/config-reference.md
//   npx vite-node scripts/config-reference.ts --check    exit 1 if the file is stale
//
// Everything comes from z.toJSONSchema(platformSchema, { io: "input" }): type, required, default,
// limits and each key's .describe() text. Two things JSON Schema does not carry are added while it
// is built: a string's own message for a malformed value (its format), and the messages of
// .refine(…) rules, shown on the key they report on. A map's key placeholder (`<service>`) is the
// title of its key schema. test/docs/config-reference.test.ts fails when the file is stale.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { platformSchema } from "../components/config/schema";

type JsonSchema = z.core.JSONSchema.JSONSchema;

export const referenceFile = path.join(__dirname, "..", "docs", "config-reference.md");
export const regenerateCommand = "npx vite-node scripts/config-reference.ts";

export interface ReferenceRow {
    path: string;
    type: string;
    /** "yes", "no", or "when <discriminator> is …". */
    required: string;
    default?: unknown;
    constraints: string[];
    description: string;
}

/** A .refine(…) message and the key it reports on, relative to the schema that has the rule. */
interface Rule {
    path: string[];
    message: string;
}

const formatKey = "x-azora-format";
const rulesKey = "x-azora-rules";
const safeIntegers = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

function refinements(schema: z.core.$ZodType): Rule[] {
    return (schema._zod.def.checks ?? []).flatMap((check) => {
        const def = check._zod.def;
        if (def.check !== "custom" || !def.error) return [];
        // A refine's message is kept as an error map that ignores the issue it is given.
        const out = def.error(undefined as never);
        const message = typeof out === "string" ? out : out?.message;
        const target = "path" in def && Array.isArray(def.path) ? def.path.map(String) : [];
        return message ? [{ path: target, message }] : [];
    });
}

/** The JSON Schema of the input of `schema`, with each string's format and each rule attached. */
export function configJsonSchema(schema: z.ZodType = platformSchema): JsonSchema {
    return z.toJSONSchema(schema, {
        io: "input",
        override: ({ zodSchema, jsonSchema: s }) => {
            const rules = refinements(zodSchema);
            if (rules.length > 0) s[rulesKey] = rules;
            // A prefault's JSON default is the `{}` it parses; the reader wants what that becomes.
            if (zodSchema._zod.def.type === "prefault") s.default = z.parse(zodSchema, undefined);
            if (s.type !== "string" || s.const !== undefined || s.enum !== undefined) return;
            const probe = z.safeParse(zodSchema, "\u0000");
            if (probe.success) return;
            // zod's generic messages ("Invalid URL", "Invalid input: …") add nothing to the type.
            const messages = probe.error.issues.map((i) => i.message).filter((m) => !/^Invalid\b/.test(m));
            if (messages.length > 0) s[formatKey] = messages.join("; ");
        },
    });
}

function isSchema(s: unknown): s is JsonSchema {
    return typeof s === "object" && s !== null && !Array.isArray(s);
}

function rulesOf(s: JsonSchema): Rule[] {
    const rules = s[rulesKey];
    return Array.isArray(rules) ? rules.filter((r): r is Rule => isSchema(r) && typeof r.message === "string") : [];
}

function join(parent: string, key: string): string {
    return parent ? `${parent}.${key}` : key;
}

function literal(v: unknown): string {
    return JSON.stringify(v);
}

function typeOf(s: JsonSchema): string {
    if (s.const !== undefined) return literal(s.const);
    if (s.enum) return s.enum.map(literal).join(" | ");
    const t = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
    if (t === "string" && s.format === "uri") return "string (URL)";
    if (t === "string" && s.format === "email") return "string (e-mail)";
    if (t === "array") return `list of ${isSchema(s.items) ? typeOf(s.items) : "values"}`;
    if (t === "object" && !s.properties && isSchema(s.additionalProperties)) {
        return `map of ${typeOf(s.additionalProperties)}`;
    }
    return t ?? "value";
}

function constraintsOf(s: JsonSchema): string[] {
    const c: string[] = [];
    const range = (lo: number | undefined, hi: number | undefined, unit: string) => {
        const low = lo !== undefined && !safeIntegers.has(lo) ? lo : undefined;
        const high = hi !== undefined && !safeIntegers.has(hi) ? hi : undefined;
        if (low !== undefined && high !== undefined) c.push(low === high ? `${unit}${low}` : `${unit}${low}–${high}`);
        else if (low !== undefined) c.push(`${unit}≥ ${low}`);
        else if (high !== undefined) c.push(`${unit}≤ ${high}`);
    };
    range(s.minimum, s.maximum, "");
    range(s.minLength, s.maxLength, "length ");
    range(s.minItems, s.maxItems, "items ");
    const items = isSchema(s.items) ? s.items : undefined;
    const format = s[formatKey] ?? items?.[formatKey];
    if (typeof format === "string") c.push(format);
    const pattern = s.pattern ?? items?.pattern;
    if (pattern && s.format !== "email") c.push(`\`${pattern}\``);
    return c;
}

/** Rules of a schema and of its ancestors: those on this key, and those to pass to each child. */
function splitRules(s: JsonSchema, inherited: Rule[]): { here: string[]; below: (key: string) => Rule[] } {
    const all = [...rulesOf(s), ...inherited];
    return {
        here: all.filter((r) => r.path.length === 0).map((r) => r.message),
        below: (key) => all.filter((r) => r.path[0] === key).map((r) => ({ ...r, path: r.path.slice(1) })),
    };
}

function addRow(rows: ReferenceRow[], at: string, s: JsonSchema, required: string, rules: string[]): ReferenceRow {
    const row: ReferenceRow = {
        path: at,
        type: typeOf(s),
        required,
        ...("default" in s ? { default: s.default } : {}),
        constraints: [...constraintsOf(s), ...rules.map((r) => `rule: ${r}`)],
        description: s.description ?? "",
    };
    rows.push(row);
    return row;
}

function walkSchema(rows: ReferenceRow[], s: JsonSchema, at: string, required: string, inherited: Rule[] = []): void {
    const variants = s.oneOf ?? s.anyOf;
    if (variants) {
        walkUnion(rows, s, variants, at, required);
        return;
    }
    const rules = splitRules(s, inherited);
    if (at !== "") addRow(rows, at, s, required, rules.here);
    if (s.type === "object" && s.properties) {
        const req = new Set(s.required ?? []);
        for (const [key, child] of Object.entries(s.properties)) {
            if (isSchema(child)) walkSchema(rows, child, join(at, key), req.has(key) ? "yes" : "no", rules.below(key));
        }
    } else if (s.type === "object" && isSchema(s.additionalProperties)) {
        const keyName = isSchema(s.propertyNames) ? s.propertyNames.title : undefined;
        walkSchema(rows, s.additionalProperties, join(at, `<${keyName ?? "key"}>`), "no");
    } else if (s.type === "array" && isSchema(s.items) && s.items.type === "object") {
        walkSchema(rows, s.items, `${at}[]`, "no");
    }
}

/** A discriminated union of objects: one row for the union, one for the discriminator (described by
 *  each variant's description of its value), then each variant's own keys, marked with the variants
 *  they belong to. */
function walkUnion(rows: ReferenceRow[], s: JsonSchema, variants: JsonSchema[], at: string, required: string): void {
    const objects = variants.filter((v) => v.type === "object" && v.properties);
    const discriminator = Object.keys(objects[0]?.properties ?? {}).find((key) =>
        objects.every((v) => {
            const p = v.properties?.[key];
            return isSchema(p) && p.const !== undefined;
        }),
    );
    if (objects.length !== variants.length || discriminator === undefined) {
        addRow(rows, at, { ...s, type: undefined }, required, []).type = "one of several shapes";
        return;
    }
    const tags = objects.map((v) => {
        const p = v.properties?.[discriminator];
        return isSchema(p) ? p : {};
    });
    addRow(rows, at, { ...s, type: "object" }, required, []).type = `object, by \`${discriminator}\``;
    addRow(
        rows,
        join(at, discriminator),
        {
            type: "string",
            enum: tags.map((t) => (t.const === undefined ? null : t.const)),
            description: tags.map((t) => t.description ?? "").join(" ").trim(),
        },
        "yes",
        [],
    );
    const byPath = new Map<string, { row: ReferenceRow; when: unknown[] }>();
    objects.forEach((variant, i) => {
        const sub: ReferenceRow[] = [];
        const req = new Set(variant.required ?? []);
        for (const [key, child] of Object.entries(variant.properties ?? {})) {
            if (key !== discriminator && isSchema(child)) walkSchema(sub, child, join(at, key), req.has(key) ? "yes" : "no");
        }
        for (const row of sub) {
            const seen = byPath.get(row.path);
            if (seen) seen.when.push(tags[i]?.const);
            else byPath.set(row.path, { row, when: [tags[i]?.const] });
        }
    });
    for (const { row, when } of byPath.values()) {
        const cond = `when \`${discriminator}\` is ${when.map((v) => `\`${String(v)}\``).join(" or ")}`;
        rows.push({ ...row, required: row.required === "yes" ? `yes, ${cond}` : `no; only ${cond}` });
    }
}

/** Every key of the stack configuration (or of `schema`), in schema order. */
export function referenceRows(schema: z.ZodType = platformSchema): ReferenceRow[] {
    const rows: ReferenceRow[] = [];
    walkSchema(rows, configJsonSchema(schema), "", "yes");
    return rows;
}

// ----------------------------------------------------------------------------- markdown

function cell(text: string): string {
    // GFM splits table cells on "|" before it reads code spans, so it is escaped even inside them.
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function code(text: string): string {
    return "`" + text.replace(/`/g, "'") + "`";
}

function defaultCell(row: ReferenceRow): string {
    if (!("default" in row)) return "";
    return code(JSON.stringify(row.default));
}

/** The whole of docs/config-reference.md. */
export function renderConfigReference(): string {
    const rows = referenceRows();
    const top = rows.filter((r) => !r.path.includes("."));
    const out: string[] = [
        "# Stack configuration reference",
        "",
        `<!-- Generated by scripts/config-reference.ts from components/config/schema.ts; do not edit. Regenerate: ${regenerateCommand} -->`,
        "",
        "Every key a stack file (`Pulumi.<stack>.yaml`) may set, under the project namespace `azora-platform:`.",
        "`components/config/index.ts` validates the whole file before any resource is created and reports every problem at",
        "once with the key's path. Unknown keys are errors, not ignored.",
        "",
        "- Set a nested key: `pulumi config set --path workloads.replicas.min 3 --stack staging`.",
        "- Set a secret: `pulumi config set --secret --path secrets.slackWebhookUrl https://hooks.slack.com/… --stack prod`.",
        "- `<service>` stands for a service name of `model/catalog.ts`; `components/config/index.ts` rejects any other name",
        "  in `workloads.services`, `images.digests` and `secrets.externalValues`, and an external secret the service does not declare.",
        "- **Required** is relative to the enclosing object: `no` means the key may be left out, and then its default",
        "  (if any) is used. A default shown for an object is what the whole object becomes when it is left out.",
        "- Besides the rules below, `components/config/index.ts` checks keys against the catalog: `images.requireDigest` needs",
        "  a digest for every service, and a Slack receiver needs `existingSecret` or `secrets.slackWebhookUrl`.",
        "",
        "| Top-level key | Required | Description |",
        "|---|---|---|",
        ...top.map((r) => `| [${code(r.path)}](#${r.path.toLowerCase()}) | ${r.required} | ${cell(r.description)} |`),
        "",
    ];
    for (const section of top) {
        out.push(`## ${section.path}`, "");
        if (section.description) out.push(section.description, "");
        out.push("| Key | Type | Required | Default | Format and limits | Description |", "|---|---|---|---|---|---|");
        for (const row of rows.filter((r) => r.path === section.path || r.path.startsWith(`${section.path}.`))) {
            out.push(
                `| ${code(row.path)} | ${cell(row.type)} | ${cell(row.required)} | ${cell(defaultCell(row))} | ${cell(
                    row.constraints.join("; "),
                )} | ${cell(row.description)} |`,
            );
        }
        out.push("");
    }
    return out.join("\n");
}

/** CLI: write the file, or with --check report whether it is current. Returns the exit code. */
export function main(args: readonly string[]): number {
    const unknown = args.filter((a) => a !== "--check" && a !== "--");
    if (unknown.length > 0) {
        console.error(`config-reference: unknown argument(s) ${unknown.join(" ")} — usage: ${regenerateCommand} [--check]`);
        return 2;
    }
    const text = renderConfigReference();
    const relative = path.relative(process.cwd(), referenceFile) || referenceFile;
    if (args.includes("--check")) {
        const current = fs.existsSync(referenceFile) ? fs.readFileSync(referenceFile, "utf8") : "";
        if (current === text) {
            console.log(`config-reference: ${relative} is up to date`);
            return 0;
        }
        console.error(`config-reference: ${relative} is stale — run: ${regenerateCommand}`);
        return 1;
    }
    fs.mkdirSync(path.dirname(referenceFile), { recursive: true });
    fs.writeFileSync(referenceFile, text);
    console.log(`config-reference: wrote ${relative}`);
    return 0;
}

// Run as a command (vite-node); vitest imports the functions above without running it.
if (!process.env.VITEST) process.exitCode = main(process.argv.slice(2));
