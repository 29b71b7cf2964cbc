// The log shipper's part of the log-based alerts: the Alloy stages that read the services' JSON
// fields (model/log-events.ts) and count error lines and security events into Prometheus counters
// on the shipper's own /metrics. Alloy attaches the entry's labels at that stage to each series, so
// the per-service counters run while the entry carries only the service label, and the per-client
// ones while it carries the client too (dropped before the entry reaches Loki, where a client label
// would multiply the streams).
import { lokiServiceLabel } from "../../model/metrics";
import {
    clientLabel,
    errorLevels,
    failedOutcome,
    type LogSignal,
    logFields,
    logSignalPrefix,
    logSignals,
    securityEvents,
} from "../../model/log-events";

/** An Alloy string literal (its escapes are Go's, which JSON's are a subset of for these strings). */
const str = (s: string): string => JSON.stringify(s);

/** The extracted-map keys are the field keys of model/log-events.ts. */
const field = (key: keyof typeof logFields): string => `.${key}`;

/** When a line counts, as a Go template condition over the extracted fields. */
const conditions: Record<LogSignal, string> = {
    errorLines: `eq ${field("level")} ${errorLevels.map(str).join(" ")}`,
    authFailures: `and (eq ${field("event")} ${str(securityEvents.authAttempt)}) (eq ${field("outcome")} ${str(failedOutcome)})`,
    accessDenied: `eq ${field("event")} ${str(securityEvents.accessDenied)}`,
};

/** The extracted key of the client's address. */
const clientField: keyof typeof logFields = "client";

const signalKey = (signal: LogSignal): string => `signal_${logSignals[signal].name}`;
const signalsWhere = (perClient: boolean): LogSignal[] =>
    (Object.keys(logSignals) as LogSignal[]).filter((s) => logSignals[s].perClient === perClient);
const indent = (text: string): string =>
    text
        .split("\n")
        .map((l) => (l ? `  ${l}` : l))
        .join("\n");

/** `stage.json` expressions for the fields the signals read: extracted key = field. */
export function signalFieldExpressions(): string[] {
    return Object.entries(logFields).map(([key, name]) => `${key} = ${str(name)}`);
}

/** One template per signal: its key is "true" on a counted line and absent otherwise (an empty template result removes the key). */
function signalTemplates(): string {
    return (Object.keys(logSignals) as LogSignal[])
        .map((s) =>
            [
                `stage.template {`,
                `  source   = ${str(signalKey(s))}`,
                `  template = ${str(`{{ if ${conditions[s]} }}true{{ end }}`)}`,
                `}`,
            ].join("\n"),
        )
        .join("\n\n");
}

function counters(signals: LogSignal[]): string {
    const blocks = signals.map((s) => {
        const c = logSignals[s];
        return [
            "metric.counter {",
            `  name              = ${str(c.name)}`,
            `  prefix            = ${str(logSignalPrefix)}`,
            `  description       = ${str(c.help)}`,
            `  source            = ${str(signalKey(s))}`,
            `  value             = "true"`,
            `  action            = "inc"`,
            `  max_idle_duration = ${str(c.idle)}`,
            "}",
        ].join("\n");
    });
    return ["stage.metrics {", indent(blocks.join("\n")), "}"].join("\n");
}

/**
 * The stages between the JSON extraction and the stream labels: the signal templates, the service
 * label alone (and no `filename`) for the per-service counters, then the client for the per-client
 * ones, which is dropped again. Indented for the body of a `loki.process` block.
 */
export function signalStages(): string {
    const stages = [
        "// Log-derived counters (model/log-events.ts) for the alerts of alerts/services/log-events.ts.",
        signalTemplates(),
        `stage.labels {\n  values = { ${lokiServiceLabel} = "" }\n}`,
        `stage.label_drop {\n  values = ["filename"]\n}`,
        counters(signalsWhere(false)),
        `stage.labels {\n  values = { ${clientLabel} = ${str(clientField)} }\n}`,
        counters(signalsWhere(true)),
        `stage.label_drop {\n  values = [${str(clientLabel)}]\n}`,
    ];
    return indent(stages.join("\n\n"));
}
