// The SDK's own cost under mocks, for comparison with mock-eval.ts: as many registrations as the
// Platform makes, as bare ConfigMaps in components of 16 — no program logic, same mocks, same runner.
//   node scripts/bench/run-bundled.js scripts/bench/mock-floor.ts <registrations>
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { countArgument, runMain, timeUnderMocks } from "./mock-runtime";

class Group extends pulumi.ComponentResource {
    constructor(name: string, size: number) {
        super("azora:bench:FloorGroup", name, {}, {});
        for (let j = 0; j < size; j++) {
            const n = `${name}-${j}`;
            new k8s.core.v1.ConfigMap(n, { metadata: { name: n, namespace: "bench", labels: { app: name } }, data: { KEY: n } }, { parent: this });
        }
    }
}

runMain(async () => {
    const target = countArgument(16000);
    await timeUnderMocks(0, () => {
        // One component per 17 registrations (itself + 16 children), like a service's subtree.
        for (let made = 0, g = 0; made < target; g++) {
            const size = Math.min(16, Math.max(0, target - made - 1));
            new Group(`g${g}`, size);
            made += size + 1;
        }
    });
});
