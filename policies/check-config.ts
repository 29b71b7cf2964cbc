// Usage: vite-node policies/check-config.ts policies/config/<stack>.json…
// Refuses a policy config file with an unknown policy name, an unknown setting or a malformed
// exemption (see lib/config-check.ts); run before every preview and by `make check`.
import { readFileSync } from "node:fs";

import { policyConfigErrors } from "./lib/config-check";
import { allPolicies } from "./rules";

let failed = false;
for (const file of process.argv.slice(2)) {
    let raw: unknown;
    try {
        raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
        console.error(`${file}: ${(e as Error).message}`);
        failed = true;
        continue;
    }
    for (const error of policyConfigErrors(raw, allPolicies)) {
        console.error(`${file}: ${error}`);
        failed = true;
    }
}
process.exit(failed ? 1 : 0);
