// What the live suite runs on 127.0.0.1: the real binaries as child processes (bounded waits, their
// output kept for the failure message), a receiver that records every notification, and an exporter
// serving fixed metrics text.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import * as path from "node:path";
/** A free TCP port on 127.0.0.1 (the kernel's pick, released for the caller to bind). */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = createNetServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const address = s.address();
            const port = typeof address === "object" && address ? address.port : 0;
            s.close(() => resolve(port));
        });
    });
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
