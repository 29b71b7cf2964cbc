// What the live suite runs on 127.0.0.1: the real binaries as child processes (bounded waits, their
// output kept for the failure message), a receiver that records every notification, and an exporter
// serving fixed metrics text.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import * as path from "node:path";
/**
 * The kernel's ephemeral range (`net.ipv4.ip_local_port_range`): the source ports of outgoing
 * connections come from it, so a listening port is picked below it.
 */
function ephemeralLow(): number {
    try {
        return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
    } catch {
        return 32768;
    }
}

const lowestPort = 10_000;
const slices = 16;
// Next candidate of this worker's slice; the pid moves the start so a second run on the machine rarely probes the same ports.
const cursor = { next: -1 };

function bindable(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = createNetServer();
        s.once("error", () => resolve(false));
        s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
}

/**
 * A free TCP port on 127.0.0.1, for a child process to bind. Not the kernel's pick (`listen(0)`):
 * that comes from the ephemeral range, and between its release and the child's bind any outgoing
 * connection on the machine may take it as its source port (the e2e suite's API server beside this
 * suite opens hundreds), and the child fails with "address already in use". Below the range only
 * another listener can hold a port, which the probe sees; each vitest worker (VITEST_POOL_ID) probes
 * its own slice, so two workers never hand out the same port, and a port is handed out once per file.
 */
export async function freePort(): Promise<number> {
    const size = Math.floor((ephemeralLow() - lowestPort) / slices);
    const base = lowestPort + ((Number(process.env.VITEST_POOL_ID ?? "1") - 1) % slices) * size;
    if (cursor.next < 0) cursor.next = process.pid % size;
    for (let tried = 0; tried < size; tried++) {
        const port = base + (cursor.next++ % size);
        if (await bindable(port)) return port;
    }
    throw new Error(`no free port in ${base}-${base + size - 1} (VITEST_POOL_ID ${process.env.VITEST_POOL_ID ?? "unset"})`);
}

export interface Running {
    name: string;
    log: string;
    stop(): Promise<void>;
}

/** Starts `binary` with `args` and waits until `readyUrl` answers 200 (at most `timeoutMs`). */
export async function start(
    name: string,
    binary: string,
    args: string[],
    env: Record<string, string>,
    logDir: string,
    readyUrl: string,
    timeoutMs = 60_000,
): Promise<Running> {
    const log = path.join(logDir, `${name}.log`);
    const out = createWriteStream(log);
    const child: ChildProcess = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    // Set by the exit handler; an object so the checks below read its current value.
    const state: { exited?: number } = {};
    child.on("exit", (code) => (state.exited = code ?? -1));
    const running: Running = {
        name,
        log,
        stop: () =>
            new Promise((resolve) => {
                if (state.exited !== undefined) return resolve();
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
                setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
            }),
    };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (state.exited !== undefined) throw new Error(`${name} exited with ${state.exited} before it was ready:\n${tail(log)}`);
        try {
            if ((await fetch(readyUrl)).ok) return running;
        } catch {
            // not listening yet
        }
        await sleep(250);
    }
    await running.stop();
    throw new Error(`${name} not ready at ${readyUrl} within ${timeoutMs} ms:\n${tail(log)}`);
}

function tail(file: string, lines = 30): string {
    return existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n") : "(no log)";
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every second until it returns a value (not undefined), at most `timeoutMs`. */
export async function eventually<T>(
    what: string,
    timeoutMs: number,
    check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(1000);
    }
}

export interface Notification {
    path: string;
    at: number;
    body: unknown;
}

function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
}

function listen(server: Server, port: number): Promise<void> {
    return new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
}

/** Records every POST (JSON body) it receives, by path, and answers 200. */
export async function startReceiver(port: number): Promise<{ received: Notification[]; close(): Promise<void> }> {
    const received: Notification[] = [];
    const server = createHttpServer((req, res) => {
        void readBody(req).then((text) => {
            let body: unknown = text;
            try {
                body = JSON.parse(text);
            } catch {
                // kept as text
            }
            received.push({ path: req.url ?? "/", at: Date.now(), body });
            res.writeHead(200, { "content-type": "text/plain" }).end("ok");
        });
    });
    await listen(server, port);
    return { received, close: () => new Promise((r) => server.close(() => r())) };
}

/** Serves `metrics()` as Prometheus text at /metrics. */
export async function startExporter(port: number, metrics: () => string): Promise<{ scrapes: number; close(): Promise<void> }> {
    const state = { scrapes: 0, close: (): Promise<void> => Promise.resolve() };
    const server = createHttpServer((req, res) => {
        if (req.url !== "/metrics") return void res.writeHead(404).end();
        state.scrapes++;
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics());
    });
    await listen(server, port);
    state.close = () => new Promise((r) => server.close(() => r()));
    return state;
}
