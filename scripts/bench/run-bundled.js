// @ts-check
// Runs a bench script (TypeScript) on plain node from an esbuild bundle, so its figures carry no
// loader overhead: under vite-node every stack the Pulumi SDK captures (one per resource and per
// output promise) is formatted through source maps, which nearly tripled the SDK's own cost.
//   node scripts/bench/run-bundled.js <script.ts> [args…]   (from the workspace root)
"use strict";
const path = require("path");
const esbuild = require("esbuild");

const entry = path.resolve(process.argv[2]);
const outfile = path.join(process.cwd(), ".bench-build", `${path.basename(entry, ".ts")}.js`);
// Dependencies stay external, resolved from node_modules as the program resolves them.
esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", packages: "external", outfile, logLevel: "error" });
require(outfile);
