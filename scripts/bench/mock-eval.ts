// Program evaluation under mocks: constructs Platform for a synthetic catalog with the local
// stack's settings and waits until every registration has been answered. One run per process (no
// warm JIT or module cache between runs); prints one JSON line for scripts/bench/run.ts.
//   node scripts/bench/run-bundled.js scripts/bench/mock-eval.ts <services>
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformConfig } from "../../components/config";
import { Platform } from "../../components/platform";
import { localStackConfig } from "./mock-eval-config";
import { syntheticCatalog } from "./synthetic-catalog";

export interface MockEvalResult {
    services: number;
    /** Resources the mocks were asked to register (custom and component resources). */
    registrations: number;
    /** new Platform(...) until the last registration is answered. */
    evalMs: number;
    /** Of evalMs: the synchronous constructor alone. */
    constructMs: number;
    heapUsedMb: number;
    maxRssMb: number;
}

async function main(): Promise<void> {
    const count = Number(process.argv.filter((a) => /^[0-9]+$/.test(a)).pop() ?? "1000");
    const services = syntheticCatalog(count);
    const settings = parsePlatformConfig("local", localStackConfig(), services);

    let registrations = 0;
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                registrations++;
                const state: Record<string, unknown> = { ...(args.inputs as Record<string, unknown>) };
                if (args.type === "random:index/randomPassword:RandomPassword") state.result = `generated-${args.name}`;
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs as Record<string, unknown>;
            },
        },
        "azora-platform",
        "local",
        false,
    );

    const t0 = process.hrtime.bigint();
    new Platform("azora", { settings, services });
    const t1 = process.hrtime.bigint();
    // Every registration holds an RPC keep-alive; disconnect() returns once all have been answered.
    await pulumi.runtime.disconnect();
    const t2 = process.hrtime.bigint();

    const result: MockEvalResult = {
        services: count,
        registrations,
        evalMs: Number(t2 - t0) / 1e6,
        constructMs: Number(t1 - t0) / 1e6,
        heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
