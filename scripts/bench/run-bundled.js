// @ts-check
// Runs a bench script (TypeScript) from its esbuild bundle on plain node, the way the program itself
// runs under the engine (scripts/bundled-entry.js), so its figures carry no loader overhead.
//   node scripts/bench/run-bundled.js <script.ts> [args…]   (from the workspace root)
"use strict";
const path = require("path");
const { runBundled } = require("../bundled-entry");

runBundled(path.resolve(process.argv[2]), process.cwd());
