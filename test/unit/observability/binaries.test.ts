// The binaries the live suite runs (scripts/observability.sh) are the releases of the images the
// stack deploys (components/observability/images.ts): a bump of one without the other fails here.
import { describe, expect, it } from "vitest";
import { images } from "../../../components/observability/images";
import { buildPin as pin } from "../../binaries";

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

    it("name the Jaeger image's release beside the nearest one the proxy serves, so a bump of the image revisits the pin", () => {
        expect(pin("JAEGER_IMAGE_VERSION")).toBe(images.jaeger.tag);
    });

    it("take Jaeger v2.x from the Go module's v1.(x+63) tag of the same release", () => {
        const [major, minor, patch] = pin("JAEGER_VERSION").split(".").map(Number);
        expect(major).toBe(2);
        expect(pin("JAEGER_MODULE_VERSION")).toBe(`v1.${minor + 63}.${patch}`);
    });
});
