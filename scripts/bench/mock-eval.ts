// Program evaluation under mocks: constructs Platform for a synthetic catalog with the local
// stack's settings and waits until every registration has been answered. One run per process (no
// warm JIT or module cache between runs); prints one JSON line for scripts/bench/runner/mocks.ts.
//   node scripts/bench/run-bundled.js scripts/bench/mock-eval.ts <services>
import { parsePlatformConfig } from "../../components/config";
import { Platform } from "../../components/platform";
import { localStackConfig } from "./mock-eval-config";
import { countArgument, runMain, timeUnderMocks } from "./mock-runtime";
import { syntheticCatalog } from "./synthetic-catalog";

runMain(async () => {
    const count = countArgument(1000);
    const services = syntheticCatalog(count);
    const settings = parsePlatformConfig("local", localStackConfig(), services);
    await timeUnderMocks(count, () => new Platform("azora", { settings, services }));
});
