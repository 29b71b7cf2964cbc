// The binaries the live suite runs (scripts/observability.sh) are the releases of the images the
// stack deploys (components/observability/images.ts): a bump of one without the other fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { images } from "../../../components/observability/images";

const script = readFileSync(join(__dirname, "../../../scripts/observability.sh"), "utf8");
const pin = (name: string): string => {
    const m = new RegExp(`^${name}=(\\S+)$`, "m").exec(script);
    if (!m) throw new Error(`scripts/observability.sh sets no ${name}`);
    return m[1];
};

describe("the observability binaries' pins", () => {
    it("build Prometheus at the image's release", () => {
        expect(`v${pin("PROMETHEUS_VERSION")}`).toBe(images.prometheus.tag);
    });

    it("take Prometheus 3.x.y from the Go module's v0.3xx.y numbering", () => {
        const [major, minor, patch] = pin("PROMETHEUS_VERSION").split(".").map(Number);
        expect(pin("PROMETHEUS_MODULE_VERSION")).toBe(`v0.${major * 100 + minor}.${patch}`);
    });

    it("build Alertmanager at the image's release", () => {
        expect(`v${pin("ALERTMANAGER_VERSION")}`).toBe(images.alertmanager.tag);
    });
});
