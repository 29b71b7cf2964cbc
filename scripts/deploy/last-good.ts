// The last good state of a stack (docs/operations/deploy.md, "Verification and automatic rollback"):
//   vite-node scripts/deploy/last-good.ts -- record --stack STACK --ref SHA
//       after a verified deploy: the commit and the digests its Deployments run, kept in the stack's tags
//   vite-node scripts/deploy/last-good.ts -- plan --stack STACK --ref SHA
//       after a failed deploy of SHA: `action=redeploy|none`, `ref=`, `digests=` (JSON) and `reason=`
//       lines, for $GITHUB_OUTPUT
// The tags live beside the state in the stack's backend, so they survive the runner and any checkout.
import { parseArgs } from "node:util";
import { run, stateDeployments } from "./io";
import { deployedDigests, fromTags, type GoodState, goodStateTags, rollbackPlan, toTags } from "./verdict";

const { positionals, values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: { stack: { type: "string" }, ref: { type: "string" } },
    allowPositionals: true,
});
const [command] = positionals;
if ((command !== "record" && command !== "plan") || !values.stack || !values.ref || !/^[0-9a-f]{7,40}$/.test(values.ref)) {
    console.error("usage: last-good.ts record|plan --stack STACK --ref <commit sha>");
    process.exit(2);
}
const stack = values.stack;

async function tags(): Promise<Record<string, string>> {
    return JSON.parse(await run("pulumi", ["stack", "tag", "ls", "--json", "--stack", stack])) as Record<string, string>;
}

async function current(ref: string): Promise<GoodState> {
    return { ref, digests: deployedDigests(await stateDeployments(stack)) };
}

async function record(ref: string): Promise<void> {
    const state = await current(ref);
    const wanted = toTags(state);
    const held = await tags();
    for (const [name, value] of Object.entries(wanted))
        await run("pulumi", ["stack", "tag", "set", name, value, "--stack", stack]);
    // A digest of a service no longer deployed by digest would otherwise come back in a rollback.
    const stale = Object.keys(held).filter(
        (t) => t.startsWith(goodStateTags.digest("")) && t !== goodStateTags.ref && !(t in wanted),
    );
    for (const name of stale) await run("pulumi", ["stack", "tag", "rm", name, "--stack", stack]);
    console.log(`last good state of ${stack}: ${ref}, ${Object.keys(state.digests).length} image digests`);
}

async function plan(ref: string): Promise<void> {
    const p = rollbackPlan(await current(ref), fromTags(await tags()));
    const lines =
        p.action === "redeploy"
            ? [`action=redeploy`, `ref=${p.ref}`, `digests=${JSON.stringify(p.digests)}`, `reason=redeploying ${p.ref}`]
            : [`action=none`, `ref=`, `digests={}`, `reason=${p.reason}`];
    console.log(lines.join("\n"));
}

(command === "record" ? record(values.ref) : plan(values.ref)).catch((e: Error) => {
    console.error(`last-good ${command} ${stack}: ${e.message}`);
    process.exit(1);
});
