// @ts-check
// Pulumi.yaml's `main`: index.ts, run from its esbuild bundle (scripts/bundled-entry.js says why).
"use strict";
const path = require("path");
const { runBundled } = require("./bundled-entry");

const root = path.resolve(__dirname, "..");
module.exports = runBundled(path.join(root, "index.ts"), root);
