// The deploy workflow's verification after `pulumi up` (docs/operations/deploy.md):
//   vite-node scripts/deploy/verify.ts -- --stack STACK [--settle 300] [--interval 15] [--rollout-timeout 600]
//                                          [--prometheus-url URL] [--health-url URL]
// Every rollout of the stack's namespaces complete, then for the settle window no critical alert
// firing in Prometheus and the gateway health endpoint answering. Exit 0 when the deployment is good,
// 1 with every problem printed when it is not, 2 on bad usage. Prometheus is reached through the API
// server's service proxy unless --prometheus-url names it; the health URL defaults to the stack's gatewayUrl.
import { parseArgs } from "node:util";
import { type PrometheusAt, prometheusAlerts, stackOutputs, workloads } from "./io";
import { firingCritical, gatewayHealthUrl, type Poll, rolloutProblem, verdict } from "./verdict";

const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: {
        stack: { type: "string" },
        settle: { type: "string", default: "300" },
        interval: { type: "string", default: "15" },
        "rollout-timeout": { type: "string", default: "600" },
        "prometheus-url": { type: "string" },
        "health-url": { type: "string" },
    },
});
const seconds = (flag: "settle" | "interval" | "rollout-timeout"): number => {
    const n = Number(values[flag]);
    if (!Number.isFinite(n) || n < 0) usage(`--${flag} must be a number of seconds, not ${values[flag]}`);
    return n;
};
function usage(why: string): never {
    console.error(
        `verify: ${why}\nusage: verify.ts --stack STACK [--settle S] [--interval S] [--rollout-timeout S] [--prometheus-url URL] [--health-url URL]`,
    );
    process.exit(2);
}
if (!values.stack) usage("--stack is required");
const stack = values.stack;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rollouts(namespaces: string[], timeoutS: number): Promise<string[]> {
    const deadline = Date.now() + timeoutS * 1000;
    for (;;) {
        const problems = (await Promise.all(namespaces.map(workloads))).flat().flatMap((w) => rolloutProblem(w) ?? []);
        if (problems.length === 0 || Date.now() >= deadline) return problems;
        await sleep(5000);
    }
}

async function health(url: string): Promise<number | { error: string }> {
    try {
        return (await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: "manual" })).status;
    } catch (e) {
        return { error: `${url}: ${(e as Error).message}` };
    }
}

async function main(): Promise<void> {
    const [settle, interval, rolloutTimeout] = [seconds("settle"), seconds("interval"), seconds("rollout-timeout")];
    const outputs = await stackOutputs(stack);
    const healthUrl = values["health-url"] ?? gatewayHealthUrl(outputs.gatewayUrl);
    const namespaces = [...new Set(Object.values(outputs.namespaces))].sort();
    const rolloutProblems = await rollouts(namespaces, rolloutTimeout);
    console.log(
        `verify ${stack}: rollouts in ${namespaces.join(", ")}: ${rolloutProblems.length === 0 ? "complete" : "INCOMPLETE"}`,
    );
    const prometheus: PrometheusAt = values["prometheus-url"]
        ? { url: values["prometheus-url"] }
        : { throughApiServer: outputs.prometheusUrl };
    const polls: Poll[] = [];
    const opened = Date.now();
    for (;;) {
        const at = Math.round((Date.now() - opened) / 1000);
        const critical = await prometheusAlerts(prometheus).then(firingCritical, (e: Error) => ({
            error: e.message,
        }));
        polls.push({ at, critical, health: await health(healthUrl) });
        const last = polls[polls.length - 1];
        console.log(
            `verify ${stack}: ${at}s critical alerts ${"error" in last.critical ? `unreadable (${last.critical.error})` : last.critical.length}, health ${typeof last.health === "number" ? last.health : last.health.error}`,
        );
        if (Date.now() - opened + interval * 1000 > settle * 1000) break;
        await sleep(interval * 1000);
    }
    const result = verdict(rolloutProblems, polls);
    if (result.ok) console.log(`verify ${stack}: deployment good (${polls.length} polls over ${settle}s)`);
    else for (const p of result.problems) console.error(`verify ${stack}: ${p}`);
    process.exit(result.ok ? 0 : 1);
}

main().catch((e: Error) => {
    console.error(`verify ${stack}: ${e.message}`);
    process.exit(1);
});
