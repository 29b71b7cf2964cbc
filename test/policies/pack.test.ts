import { describe, expect, it } from "vitest";

import { compliantStack } from "./fixtures";
import { ENVIRONMENTS, loadConfigFile, messagesOf, runPack } from "./harness";

describe("the whole pack", () => {
    it.each(ENVIRONMENTS)("passes a compliant stack under the %s config", async (env) => {
        expect(messagesOf(await runPack(compliantStack(), loadConfigFile(env)))).toEqual([]);
    });
});
