// The critical path of one `up` (scripts/bench/critical-path.ts), printed:
//   vite-node scripts/bench/attribute.ts -- EVENTS.jsonl STATE.json [--top N]
// EVENTS.jsonl: `pulumi up --event-log` (PULUMI_DEBUG_COMMANDS=true); STATE.json: `pulumi stack export` after it.
import { readFileSync } from "node:fs";
import { report, type StateResource } from "./critical-path";

const args = process.argv.slice(2).filter((a) => a !== "--");
const [events, state] = args;
if (!events || !state) {
    console.error("usage: vite-node scripts/bench/attribute.ts -- EVENTS.jsonl STATE.json [--top N]");
    process.exit(2);
}
const topAt = args.indexOf("--top");
const exported = JSON.parse(readFileSync(state, "utf8")) as { deployment: { resources: StateResource[] } };
console.log(report(readFileSync(events, "utf8"), exported.deployment.resources, topAt > 0 ? Number(args[topAt + 1]) : 25));
