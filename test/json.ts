// A loose, read-only view of Kubernetes objects as tests read them (mock inputs, rendered YAML, API
// answers): index freely, check with expect; arrays and leaves through small typed accessors.

/** An object of unknown shape: every property is another such view, until a test checks it. */
export interface Obj {
    readonly [key: string]: Obj;
}

/** The array at a path (empty when absent). */
export function list(value: unknown): Obj[] {
    return Array.isArray(value) ? (value as Obj[]) : [];
}

/** The array at a path, where its absence is itself a failure: throws when there is none. */
export function array(value: unknown): Obj[] {
    if (!Array.isArray(value)) throw new TypeError(`expected an array, found ${text(value)}`);
    return value as Obj[];
}

/**
 * A leaf at a path as text: what String makes of a string, number, boolean, array or an absent
 * value, and an object as its JSON rather than "[object Object]".
 */
export function text(value: unknown): string {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? JSON.stringify(value) : String(value);
}

export function strings(value: unknown): string[] {
    return list(value).map(text);
}
