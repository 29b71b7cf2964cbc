// What the two mock benches share: the counting mock engine, and the timed run that waits for every
// registration to be answered and prints one JSON line (BENCH_RESULT) for scripts/bench/runner/mocks.ts.
import * as pulumi from "@pulumi/pulumi";

export interface MockEvalResult {
    services: number;
    /** Resources the mocks were asked to register (custom and component resources). */
    registrations: number;
    /** Construction until the last registration is answered. */
    evalMs: number;
    /** Of evalMs: the synchronous construction alone. */
    constructMs: number;
    heapUsedMb: number;
    maxRssMb: number;
}

/** The registration count of the numeric argument, or `fallback`. */
export function countArgument(fallback: number): number {
    return Number(process.argv.filter((a) => /^[0-9]+$/.test(a)).pop() ?? String(fallback));
}

/**
 * Installs mocks that answer every registration with its inputs (random passwords get a value, as
 * the program reads them), constructs with `build`, waits until every registration is answered
 * (each holds an RPC keep-alive; disconnect() returns once all have been) and prints the figures.
 */
export async function timeUnderMocks(services: number, build: () => void): Promise<void> {
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
    build();
    const t1 = process.hrtime.bigint();
    await pulumi.runtime.disconnect();
    const t2 = process.hrtime.bigint();
    const result: MockEvalResult = {
        services,
        registrations,
        evalMs: Number(t2 - t0) / 1e6,
        constructMs: Number(t1 - t0) / 1e6,
        heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
        maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

/** Runs a bench's main, failing the process on an error. */
export function runMain(main: () => Promise<void>): void {
    main().catch((e: unknown) => {
        console.error(e);
        process.exit(1);
    });
}
