// The program's entry point (scripts/program.js → scripts/bundled-entry.js): a TypeScript entry run
// from an esbuild bundle that is rebuilt whenever one of its inputs changes. Each run is its own node
// process, as under the engine, so the require cache never hides a stale bundle.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const entryModule = path.resolve(__dirname, "../../scripts/bundled-entry.js");
let project: string;

function run(): { status: number | null; stdout: string; stderr: string } {
    const script = `const { runBundled } = require(${JSON.stringify(entryModule)});
const out = runBundled(require("path").join(process.cwd(), "index.ts"), process.cwd());
console.log(JSON.stringify(out));`;
    // NODE_PATH: the temporary project has no node_modules of its own; esbuild and the SDK come from the repo's.
    const r = spawnSync(process.execPath, ["-e", script], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, NODE_PATH: path.resolve(__dirname, "../../node_modules") },
    });
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

beforeEach(() => {
    project = mkdtempSync(path.join(tmpdir(), "azora-bundle-"));
    writeFileSync(path.join(project, "greeting.ts"), `export const greeting: string = "hello";\n`);
    writeFileSync(path.join(project, "index.ts"), `import { greeting } from "./greeting";\nexport const message = \`\${greeting}, world\`;\n`);
});

afterEach(() => rmSync(project, { recursive: true, force: true }));

describe("bundled entry", () => {
    it("returns the entry's exports, which become the stack outputs", () => {
        const r = run();
        expect(r.stderr).toBe("");
        expect(JSON.parse(r.stdout)).toEqual({ message: "hello, world" });
    });

    it("records every input's content hash next to the bundle", () => {
        run();
        const manifest = JSON.parse(readFileSync(path.join(project, ".build", "index.inputs.json"), "utf8")) as { inputs: Record<string, string> };
        expect(Object.keys(manifest.inputs).sort()).toEqual(["greeting.ts", "index.ts"]);
        expect(Object.values(manifest.inputs).every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    });

    it("rebuilds when an imported module's content changes", () => {
        run();
        writeFileSync(path.join(project, "greeting.ts"), `export const greeting: string = "goodbye";\n`);
        expect(JSON.parse(run().stdout)).toEqual({ message: "goodbye, world" });
    });

    it("reuses the bundle while no input changed", () => {
        run();
        const bundle = path.join(project, ".build", "index.js");
        // A marker only an unchanged, reused bundle can carry into the output.
        writeFileSync(bundle, readFileSync(bundle, "utf8").replace("hello", "reused"));
        expect(JSON.parse(run().stdout)).toEqual({ message: "reused, world" });
    });

    it("keeps no source map comment, so stack capture does not map every frame", () => {
        run();
        expect(readFileSync(path.join(project, ".build", "index.js"), "utf8")).not.toContain("sourceMappingURL");
        expect(existsSync(path.join(project, ".build", "index.js.map"))).toBe(true);
    });

    it("fails with the file, line and problem when the sources do not parse", () => {
        writeFileSync(path.join(project, "greeting.ts"), `export const greeting: string = ;\n`);
        const r = run();
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain("could not bundle index.ts");
        expect(r.stderr).toMatch(/greeting\.ts:1:\d+/);
    });
});
