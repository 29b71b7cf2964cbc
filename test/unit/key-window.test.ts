// The rotation window of a signing or encryption key (components/services/service-secrets.ts's
// keyWindow): what was current before a rotation is the previous value after it, and gone after the next.
import { describe, expect, it } from "vitest";
import { keyWindow } from "../../components/services/service-secrets";

/** The value each slot holds at rotation r: a slot's value changes exactly when its epoch does. */
function valuesThrough(last: number): { current: string; previous: string }[] {
    const seen: { current: string; previous: string }[] = [];
    for (let r = 0; r <= last; r++) {
        const w = keyWindow(r);
        const slot = { a: `a@${w.a}`, b: `b@${w.b}` };
        seen.push({ current: slot[w.current], previous: slot[w.previous] });
    }
    return seen;
}

describe("keyWindow", () => {
    it("keeps the value that was current before each rotation as the previous value after it", () => {
        const seen = valuesThrough(6);
        for (let r = 1; r <= 6; r++) expect(seen[r].previous, `rotation ${r}`).toBe(seen[r - 1].current);
    });

    it("makes a new current value at every rotation", () => {
        const seen = valuesThrough(6);
        for (let r = 1; r <= 6; r++) expect(seen[r].current, `rotation ${r}`).not.toBe(seen[r - 1].current);
    });

    it("drops a value at the second rotation after it was current", () => {
        const seen = valuesThrough(6);
        for (let r = 2; r <= 6; r++) expect([seen[r].current, seen[r].previous]).not.toContain(seen[r - 2].current);
    });

    it("regenerates exactly one slot per rotation", () => {
        for (let r = 1; r <= 6; r++) {
            const [before, after] = [keyWindow(r - 1), keyWindow(r)];
            expect(Number(before.a !== after.a) + Number(before.b !== after.b), `rotation ${r}`).toBe(1);
        }
    });

    it("has no previous value at rotation 0 (previous is the current value), and slot a keeps the epoch keys had before the window", () => {
        expect(keyWindow(0)).toEqual({ a: 0, b: 0, current: "a", previous: "a" });
    });
});
