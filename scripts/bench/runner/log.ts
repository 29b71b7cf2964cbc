// Progress lines on stderr, and the machine's load.
import * as os from "os";

export function loadavg(): string {
    return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

export function log(msg: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
