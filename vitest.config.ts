import { defineConfig } from "vitest/config";

// Unit suites are fast and hermetic; integration suites drive the real Pulumi CLI and tools,
// so they run one file at a time with generous timeouts (they are not timing assertions).
export default defineConfig({
    test: {
        projects: [
            { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
            { test: { name: "policies", include: ["test/policies/**/*.test.ts"], environment: "node" } },
            {
                test: {
                    name: "tools",
                    include: ["test/alerts/**/*.test.ts", "test/dashboards/**/*.test.ts", "test/docs/**/*.test.ts"],
                    environment: "node",
                    testTimeout: 60_000,
                },
            },
            {
                test: {
                    name: "integration",
                    include: ["test/integration/**/*.test.ts"],
                    environment: "node",
                    testTimeout: 900_000,
                    hookTimeout: 900_000,
                    sequence: { concurrent: false },
                },
            },
        ],
    },
});
