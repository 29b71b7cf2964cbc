// docs/runbooks/ on disk: where the generated runbooks live and how they are written.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ServiceSpec } from "../model/catalog";
import { renderRunbooks } from "./runbooks";

export const runbookDirectory = resolve(__dirname, "..", "docs", "runbooks");

/** Writes every runbook (and README.md) and removes runbooks of alerts that no longer exist. */
export function writeRunbooks(services: readonly ServiceSpec[], directory: string = runbookDirectory): string[] {
    const files = renderRunbooks(services);
    mkdirSync(directory, { recursive: true });
    for (const stale of readdirSync(directory).filter((f) => f.endsWith(".md") && !(f in files))) {
        rmSync(join(directory, stale));
    }
    for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
    return Object.keys(files);
}
