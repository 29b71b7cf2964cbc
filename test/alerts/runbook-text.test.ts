// How thresholds and queries read in the runbooks: the prose helpers the parts state their rules' values with.
import { describe, expect, it } from "vitest";
import { addDurations, ratioThresholdsText } from "../../alerts/core/format";
import { alertJob, spaceMatchers } from "../../alerts/core/runbook-snippets";
import { durationSeconds, durationWords } from "../../model/durations";

describe("durations in runbook prose", () => {
    it("spell a duration out, singular for one", () => {
        expect(durationWords("5m")).toBe("5 minutes");
        expect(durationWords("1h")).toBe("1 hour");
        expect(durationWords("30d")).toBe("30 days");
    });

    it("add a rate window and a hold in the largest unit that divides the sum", () => {
        expect(addDurations("10m", "15m")).toBe("25m");
        expect(addDurations("30m", "30m")).toBe("1h");
        expect(addDurations("90s")).toBe("90s");
        expect(durationSeconds("3d")).toBe(3 * 86_400);
    });

    it("refuse a fractional duration (Prometheus has none) rather than misread it", () => {
        expect(() => durationSeconds("1.5h")).toThrow(/not a whole number of one unit/);
    });

    it("state ratio thresholds with their severity and hold", () => {
        expect(
            ratioThresholdsText([
                { severity: "warning", value: 0.85, for: "15m" },
                { severity: "critical", value: 0.95, for: "5m" },
            ]),
        ).toBe("warning above 85% for 15m, critical above 95% for 5m");
    });
});

describe("queries in runbooks", () => {
    it("space the matchers of a selector for reading, and nothing else", () => {
        expect(spaceMatchers('sum by (route, le) (rate(m{job="a",le=~"1(\\\\.0)?"}[5m]))')).toBe(
            'sum by (route, le) (rate(m{job="a", le=~"1(\\\\.0)?"}[5m]))',
        );
        expect(spaceMatchers('m{route=~"a,b",job="x"}')).toBe('m{route=~"a,b", job="x"}');
        expect(spaceMatchers('m{a="\\"",b="c"}')).toBe('m{a="\\"", b="c"}');
    });

    it("select a metric of the alert's job through the shell variable the runbook sets", () => {
        expect(alertJob("up")).toBe('up{job="$JOB"}');
        expect(alertJob("http_requests_total", { status_code: { re: "5.." } })).toBe('http_requests_total{job="$JOB", status_code=~"5.."}');
    });
});
