// @ts-check
// Runs a TypeScript Pulumi program from one esbuild bundle instead of through ts-node.
//
// Why: ts-node loads the whole TypeScript compiler into the program process and installs
// source-map-support, and the Pulumi SDK captures an Error stack for every resource and every output
// promise, each one then formatted through source maps. That was most of the program process' CPU
// and memory in a preview (README, "Performance"). esbuild transpiles the program in tens of
// milliseconds in its own process, and the program then runs as plain JavaScript.
//
// The bundle is kept in <project>/.build/ and rebuilt whenever the content of any file it was built
// from changes (sha256 of every input esbuild reports), so `pulumi preview`/`up` always run the
// sources as they are now — there is no separate build step to forget. Type checking is `make check`'s
// job, exactly as with the transpile-only ts-node it replaces. Dependencies stay external: they are
// required from node_modules at run time, like any other Node program.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** @param {string} file */
function digest(file) {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * @param {string} manifestFile
 * @param {string} root
 * @returns {boolean} whether every recorded input still has the recorded content
 */
function upToDate(manifestFile, root) {
    /** @type {{ inputs: Record<string, string> }} */
    let manifest;
    try {
        manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    } catch {
        return false;
    }
    return Object.entries(manifest.inputs).every(([file, hash]) => {
        try {
            return digest(path.join(root, file)) === hash;
        } catch {
            return false;
        }
    });
}

/**
 * Writes `file` through a temporary name, so a concurrent reader sees the old or the new file whole.
 * @param {string} file
 * @param {string | Uint8Array} contents
 */
function writeAtomically(file, contents) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
}

/**
 * @param {string} entry absolute path of the program's TypeScript entry point
 * @param {string} root the project directory (input paths are recorded relative to it)
 * @param {string} bundle
 * @param {string} manifestFile
 */
function build(entry, root, bundle, manifestFile) {
    /** @type {typeof import("esbuild")} */
    const esbuild = require("esbuild");
    const tsconfig = path.join(root, "tsconfig.json");
    const result = esbuild.buildSync({
        entryPoints: [entry],
        absWorkingDir: root,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        packages: "external",
        tsconfig: fs.existsSync(tsconfig) ? tsconfig : undefined,
        // For reading a stack by hand (`node --enable-source-maps`); not loaded at run time, where it
        // would bring back the per-stack mapping cost.
        sourcemap: "external",
        sourcesContent: false,
        outfile: bundle,
        metafile: true,
        write: false,
        logLevel: "silent",
    });
    fs.mkdirSync(path.dirname(bundle), { recursive: true });
    for (const out of result.outputFiles) writeAtomically(out.path, out.contents);
    const inputs = Object.keys(result.metafile.inputs);
    if (fs.existsSync(tsconfig)) inputs.push("tsconfig.json");
    /** @type {Record<string, string>} */
    const hashes = {};
    for (const file of inputs) hashes[file] = digest(path.join(root, file));
    writeAtomically(manifestFile, JSON.stringify({ entry: path.relative(root, entry), inputs: hashes }, null, 2));
}

/**
 * Bundles `entry` when its bundle is missing or stale, then loads it; returns the program's exports
 * (the stack outputs).
 * @param {string} entry absolute path of a TypeScript entry point
 * @param {string} root project directory; the bundle goes to <root>/.build/
 * @returns {unknown}
 */
function runBundled(entry, root) {
    const name = path.basename(entry).replace(/\.ts$/, "");
    const bundle = path.join(root, ".build", `${name}.js`);
    const manifestFile = path.join(root, ".build", `${name}.inputs.json`);
    if (!fs.existsSync(bundle) || !upToDate(manifestFile, root)) {
        try {
            build(entry, root, bundle, manifestFile);
        } catch (e) {
            // esbuild's message names the file, line and problem; a stack into esbuild would not help,
            // and the SDK prints a RunError's message alone.
            const { RunError } = require("@pulumi/pulumi");
            const message = e instanceof Error ? e.message : String(e);
            throw new RunError(`could not bundle ${path.relative(root, entry)}:\n${message}`);
        }
    }
    return require(bundle);
}

module.exports = { runBundled };
