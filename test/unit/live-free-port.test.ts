// The live suites' port picks: a child process binds the port after the test releases it, so the
// port must not be one an outgoing connection can take meanwhile (test/live/processes.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freePort } from "../live/processes";

const ephemeralLow = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);

describe("freePort", () => {
    it("picks a port below the kernel's ephemeral range, where outgoing connections never take one", async () => {
        const port = await freePort();
        expect(port).toBeLessThan(ephemeralLow);
        expect(port).toBeGreaterThanOrEqual(10_000);
    });

    it("hands out a different port to each of many concurrent callers", async () => {
        const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
        expect(new Set(ports).size).toBe(20);
    });
});
