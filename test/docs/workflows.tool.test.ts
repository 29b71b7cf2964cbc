// The GitHub Actions workflows are code that only runs on GitHub, so they are checked here with the
// real linter: actionlint (syntax, expressions and their types, job graph, action inputs, runner
// labels) with shellcheck on every `run:` script. scripts/actionlint.sh builds the pinned actionlint.
import { spawnSync } from "child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const repoRoot = path.resolve(__dirname, "../..");
const githubDir = path.join(repoRoot, ".github");
const workflowsDir = path.join(githubDir, "workflows");
const workflowFiles = readdirSync(workflowsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(workflowsDir, f));
const actionFiles = readdirSync(path.join(githubDir, "actions")).map((d) => path.join(githubDir, "actions", d, "action.yml"));

let actionlint = "";
let shellcheck = "";
const scratch: string[] = [];

function lint(cwd: string, files: string[]): { code: number; output: string } {
    const r = spawnSync(actionlint, ["-no-color", "-shellcheck", shellcheck, ...files], { cwd, encoding: "utf8" });
    return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`.trim() };
}

/** A throw-away repository holding `.github` (actionlint resolves local actions from the repo root). */
function scratchRepo(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "azora-actionlint-"));
    scratch.push(dir);
    mkdirSync(path.join(dir, ".git"));
    return dir;
}

/** `owner/repo@<sha> # vX.Y.Z` → `owner/repo@vX`: actionlint knows popular actions' inputs by major tag. */
function withMajorTags(text: string): string {
    return text.replace(/@[0-9a-f]{40} # (v\d+)[\w.-]*/g, "@$1");
}

interface UsesLine {
    file: string;
    line: number;
    text: string;
}

function usesLines(): UsesLine[] {
    return [...workflowFiles, ...actionFiles].flatMap((file) =>
        readFileSync(file, "utf8")
            .split("\n")
            .map((text, i) => ({ file: path.relative(repoRoot, file), line: i + 1, text: text.trim() }))
            .filter((l) => /^(- )?uses:/.test(l.text)),
    );
}

type Yaml = Record<string, unknown>;
function loadYaml(file: string): Yaml {
    return parse(readFileSync(file, "utf8")) as Yaml;
}
/** A scalar as text: the string itself, "" for anything else (absent, a number, a mapping). */
function str(value: unknown): string {
    return typeof value === "string" ? value : "";
}
function at(value: unknown, ...keys: string[]): unknown {
    let v = value;
    for (const k of keys) v = v !== null && typeof v === "object" ? (v as Yaml)[k] : undefined;
    return v;
}

beforeAll(() => {
    const r = spawnSync("bash", [path.join(repoRoot, "scripts/actionlint.sh")], { cwd: repoRoot, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`scripts/actionlint.sh failed:\n${r.stdout}${r.stderr}`);
    actionlint = r.stdout.trim().split("\n").pop() ?? "";
    const which = spawnSync("bash", ["-c", "command -v shellcheck"], { encoding: "utf8" });
    shellcheck = which.stdout.trim();
    if (!shellcheck) throw new Error("shellcheck is not on PATH (scripts/actionlint.sh should have installed it)");
}, 600_000);

afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("actionlint", () => {
    it("finds no problem in any workflow", () => {
        expect(workflowFiles.length).toBeGreaterThanOrEqual(4);
        const r = lint(repoRoot, workflowFiles);
        expect(r.output, `actionlint found problems:\n${r.output}`).toBe("");
        expect(r.code).toBe(0);
    });

    it("checks the inputs of every known action (pins swapped for major tags in a copy)", () => {
        const dir = scratchRepo();
        cpSync(githubDir, path.join(dir, ".github"), { recursive: true });
        const copies = readdirSync(path.join(dir, ".github/workflows")).map((f) => path.join(dir, ".github/workflows", f));
        for (const f of copies) writeFileSync(f, withMajorTags(readFileSync(f, "utf8")));
        const r = lint(dir, copies);
        expect(r.output, `actionlint found problems with major tags:\n${r.output}`).toBe("");
    });

    it("rejects a broken workflow, so the check can fail", () => {
        const dir = scratchRepo();
        mkdirSync(path.join(dir, ".github/workflows"), { recursive: true });
        const broken = path.join(dir, ".github/workflows/broken.yml");
        writeFileSync(
            broken,
            [
                "name: broken",
                "on: [push]",
                "jobs:",
                "  build:",
                "    runs-on: ubuntu-24.04",
                "    steps:",
                "      - uses: actions/checkout@v4",
                "        with:",
                "          fetch-dept: 0", // a misspelt input of a known action
                "      - run: echo ${{ github.event.nosuch( }}", // an expression that does not parse
                "      - run: cp $1 /tmp", // unquoted expansion: shellcheck SC2086
                "  deploy:",
                "    needs: biuld", // a job that does not exist
                "    runs-on: ubuntu-24.04",
                "    steps:",
                "      - run: echo ok",
            ].join("\n"),
        );
        const r = lint(dir, [broken]);
        expect(r.code).toBe(1);
        expect(r.output).toMatch(/fetch-dept.*\[action\]/);
        expect(r.output).toMatch(/\[expression\]/);
        expect(r.output).toMatch(/SC2086.*\[shellcheck\]/);
        expect(r.output).toMatch(/biuld.*\[job-needs\]/);
    });
});

describe("third-party actions", () => {
    it("are pinned to a full commit SHA with the version in a comment", () => {
        const offenders = usesLines()
            .filter((l) => !/uses: \.\//.test(l.text))
            .filter((l) => !/^(- )?uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/.test(l.text))
            .map((l) => `${l.file}:${l.line}: ${l.text}`);
        expect(offenders, "pin as owner/repo@<40-hex sha> # vX.Y.Z").toEqual([]);
    });

    it("name one version per action everywhere", () => {
        const pins = new Map<string, Set<string>>();
        for (const l of usesLines()) {
            const m = /uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40} # \S+)/.exec(l.text);
            if (!m) continue;
            const [, action, pin] = m as unknown as [string, string, string];
            pins.set(action, (pins.get(action) ?? new Set()).add(pin));
        }
        const mixed = [...pins].filter(([, p]) => p.size > 1).map(([a, p]) => `${a}: ${[...p].join(", ")}`);
        expect(mixed).toEqual([]);
    });
});

describe("the pipeline's shape", () => {
    const realStacks = readdirSync(repoRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        // local renders to a directory and e2e targets the test suite's own control plane: neither has a shared cluster.
        .filter((s): s is string => s !== undefined && s !== "local" && s !== "e2e")
        .sort();
    const order = ["dev", "staging", "prod"];

    it("previews every real stack on pull requests, with its policy config", () => {
        const pr = loadYaml(path.join(workflowsDir, "pull-request.yml"));
        expect(at(pr, "concurrency")).toEqual({ group: "pr-${{ github.head_ref }}", "cancel-in-progress": true });
        expect(at(pr, "permissions")).toEqual({ contents: "read", "pull-requests": "write" });
        const stacks = at(pr, "jobs", "preview", "strategy", "matrix", "stack") as string[];
        expect([...stacks].sort()).toEqual(realStacks);
        for (const s of stacks) expect(readdirSync(path.join(repoRoot, "policies/config"))).toContain(`${s}.json`);
        const steps = at(pr, "jobs", "preview", "steps") as Yaml[];
        const pulumi = steps.find((s) => str(s.uses).startsWith("pulumi/actions@"));
        expect(at(pulumi, "with")).toMatchObject({
            command: "preview",
            "comment-on-pr": true,
            policyPacks: "policies",
            policyPackConfigs: "policies/config/${{ matrix.stack }}.json",
        });
    });

    it("deploys dev → staging → prod, one deployment per environment, never cancelled", () => {
        const deploy = loadYaml(path.join(workflowsDir, "deploy.yml"));
        expect(at(deploy, "jobs", "staging", "needs")).toContain("dev");
        expect(at(deploy, "jobs", "prod", "needs")).toContain("staging");
        for (const s of order) expect(at(deploy, "jobs", s, "with", "stack")).toBe(s);
        const stack = loadYaml(path.join(workflowsDir, "deploy-stack.yml"));
        const job = at(stack, "jobs", "deploy");
        expect(at(job, "environment", "name")).toBe("${{ inputs.stack }}");
        expect(at(job, "concurrency")).toEqual({ group: "deploy-${{ inputs.stack }}", "cancel-in-progress": false });
        const runs = (at(job, "steps") as Yaml[]).map((s) => str(s.run)).join("\n");
        expect(runs).toMatch(/pulumi preview [^\n]*--expect-no-changes/);
        const drift = readFileSync(path.join(workflowsDir, "drift.yml"), "utf8");
        expect(drift).toMatch(/pulumi refresh [^\n]*--preview-only --expect-no-changes/);
        expect(at(loadYaml(path.join(workflowsDir, "drift.yml")), "on", "schedule")).toBeTruthy();
    });

    it("asks pulumi/actions for the CLI version the toolchain builds", () => {
        const pin = /^PULUMI_VERSION=v(\S+)$/m.exec(readFileSync(path.join(repoRoot, "scripts/toolchain.sh"), "utf8"))?.[1];
        expect(pin).toBeDefined();
        const asked = workflowFiles.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/pulumi-version: (\S+)/g)].map((m) => m[1]));
        expect(asked.length).toBeGreaterThan(0);
        expect(new Set(asked)).toEqual(new Set([pin]));
    });

    it("pushes images to the registry the stacks pull from, and fails on fixable CRITICAL findings", () => {
        const images = loadYaml(path.join(workflowsDir, "images.yml"));
        const registries = realStacks.map(
            (s) => at(loadYaml(path.join(repoRoot, `Pulumi.${s}.yaml`)), "config", "azora-platform:images", "registry") as string,
        );
        expect(new Set(registries)).toEqual(new Set([at(images, "env", "REGISTRY")]));
        const trivy = (at(images, "jobs", "build", "steps") as Yaml[]).find((s) => str(s.uses).startsWith("aquasecurity/trivy-action@"));
        expect(at(trivy, "with")).toMatchObject({ severity: "CRITICAL", "exit-code": "1", "ignore-unfixed": true });
        const build = (at(images, "jobs", "build", "steps") as Yaml[]).filter((s) => str(s.uses).startsWith("docker/build-push-action@"));
        for (const b of build) expect(at(b, "with", "file")).toBe("components/services/service.Dockerfile");
    });
});
