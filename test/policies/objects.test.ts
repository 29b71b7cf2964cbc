import { describe, expect, it } from "vitest";

import { DATA_LIMIT_BYTES, dataWithinApiLimit } from "../../policies/rules/objects";
import { configMap } from "./fixtures";
import { problems } from "./harness";

describe("objects-data-within-api-limit", () => {
    it("passes a ConfigMap just under 1 MiB", async () => {
        const value = "x".repeat(DATA_LIMIT_BYTES - "rules.yaml".length);
        expect(await problems(dataWithinApiLimit, configMap("prometheus-rules", { "rules.yaml": value }))).toEqual([]);
    });

    it("reports a ConfigMap whose keys and values exceed 1 MiB together", async () => {
        const half = "x".repeat(DATA_LIMIT_BYTES / 2);
        expect(await problems(dataWithinApiLimit, configMap("prometheus-rules", { "a.yaml": half, "b.yaml": half }))).toEqual([
            "ConfigMap azora/prometheus-rules: holds 1.00 MiB of data, over the API server's limit of 1 MiB.",
        ]);
    });

    it("counts a ConfigMap's binaryData decoded, not as base64", async () => {
        const bytes = Buffer.alloc(900 * 1024).toString("base64"); // 1.2 MiB of base64, 900 KiB of data
        const cm = { type: "kubernetes:core/v1:ConfigMap", name: "blob", props: { metadata: { name: "blob", namespace: "azora" }, binaryData: { blob: bytes } } };
        expect(await problems(dataWithinApiLimit, cm)).toEqual([]);
    });

    it("leaves Secrets alone, whose generated values are unknown at preview", async () => {
        const secret = {
            type: "kubernetes:core/v1:Secret",
            name: "big",
            props: { metadata: { name: "big", namespace: "azora" }, stringData: { KEY: "y".repeat(DATA_LIMIT_BYTES + 1) } },
        };
        expect(await problems(dataWithinApiLimit, secret)).toEqual([]);
    });
});
