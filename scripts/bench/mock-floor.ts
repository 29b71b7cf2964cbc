// The SDK's own cost under mocks, for comparison with mock-eval.ts: as many registrations as the
// Platform makes, as bare ConfigMaps in components of 16 — no program logic, same mocks, same runner.
//   node scripts/bench/run-bundled.js scripts/bench/mock-floor.ts <registrations>
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MockEvalResult } from "./mock-eval";

class Group extends pulumi.ComponentResource {
    constructor(name: string, size: number) {
        super("bench:floor:Group", name, {}, {});
        for (let j = 0; j < size; j++) {
            const n = `${name}-${j}`;
            new k8s.core.v1.ConfigMap(n, { metadata: { name: n, namespace: "bench", labels: { app: name } }, data: { KEY: n } }, { parent: this });
        }
    }
}

async function main(): Promise<void> {
    const target = Number(process.argv.filter((a) => /^[0-9]+$/.test(a)).pop() ?? "16000");
    let registrations = 0;
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                registrations++;
                return { id: `${args.name}-id`, state: { ...(args.inputs as Record<string, unknown>) } };
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
    // One component per 17 registrations (itself + 16 children), like a service's subtree.
    for (let made = 0, g = 0; made < target; g++) {
        const size = Math.min(16, Math.max(0, target - made - 1));
        new Group(`g${g}`, size);
        made += size + 1;
    }
    const t1 = process.hrtime.bigint();
    await pulumi.runtime.disconnect();
    const t2 = process.hrtime.bigint();
    const result: MockEvalResult = {
        services: 0,
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
