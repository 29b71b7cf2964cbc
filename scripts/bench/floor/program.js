// @ts-check
// This program's Pulumi.yaml `main`: index.ts run from its bundle, exactly as the project's own
// program runs (scripts/bundled-entry.js).
"use strict";
const { runBundled } = require("../../bundled-entry");

module.exports = runBundled(require("path").join(__dirname, "index.ts"), __dirname);
