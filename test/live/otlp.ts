// Spans as the services' OpenTelemetry instrumentation reports them, sent over OTLP/HTTP in the
// protocol's JSON encoding (ids in hex, enums as numbers, times as decimal nanoseconds): one trace
// per call along the catalog's call graph — the caller's server span, its client span to the
// callee, and the callee's server span — each service under its catalog name as `service.name`.
import { randomBytes } from "node:crypto";

/** OTLP's SpanKind and StatusCode numbers. */
const kinds = { server: 2, client: 3 } as const;
const statusError = 2;

interface GeneratedSpan {
    service: string;
    name: string;
    kind: keyof typeof kinds;
    error: boolean;
    spanId: string;
    parentSpanId?: string;
}

export interface GeneratedTrace {
    traceId: string;
    spans: GeneratedSpan[];
}

const hex = (bytes: number): string => randomBytes(bytes).toString("hex");

/** One call from `caller` to `callee`; a failed call marks all three spans as errors (the 5xx travels back). */
export function callTrace(caller: string, callee: string, failed: boolean): GeneratedTrace {
    const root = hex(8);
    const client = hex(8);
    return {
        traceId: hex(16),
        spans: [
            { service: caller, name: "GET /api", kind: "server", error: failed, spanId: root },
            { service: caller, name: `GET ${callee}`, kind: "client", error: failed, spanId: client, parentSpanId: root },
            { service: callee, name: "GET /api", kind: "server", error: failed, spanId: hex(8), parentSpanId: client },
        ],
    };
}

/** The ExportTraceServiceRequest carrying `traces`: one resource per service, spans ending `now`. */
export function exportRequest(traces: readonly GeneratedTrace[], now = Date.now()): unknown {
    const end = BigInt(now) * 1_000_000n;
    const byService = new Map<string, unknown[]>();
    for (const t of traces)
        t.spans.forEach((s, i) => {
            // Nested spans: each starts 1 ms after its parent and ends 1 ms before it.
            const span = {
                traceId: t.traceId,
                spanId: s.spanId,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                name: s.name,
                kind: kinds[s.kind],
                startTimeUnixNano: String(end - 50_000_000n + BigInt(i) * 1_000_000n),
                endTimeUnixNano: String(end - BigInt(i) * 1_000_000n),
                status: s.error ? { code: statusError, message: "upstream failed" } : {},
            };
            byService.set(s.service, [...(byService.get(s.service) ?? []), span]);
        });
    return {
        resourceSpans: [...byService].map(([service, spans]) => ({
            resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
            scopeSpans: [{ scope: { name: "azora-live-suite" }, spans }],
        })),
    };
}

/** POSTs `traces` to an OTLP/HTTP receiver (`http://host:port`); throws unless it accepts them. */
export async function sendTraces(origin: string, traces: readonly GeneratedTrace[]): Promise<void> {
    const res = await fetch(`${origin}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(exportRequest(traces)),
    });
    if (!res.ok) throw new Error(`OTLP receiver at ${origin} answered ${res.status}: ${await res.text()}`);
}
