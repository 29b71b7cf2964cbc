// Runbook text shared by every part: how to read the alert's labels into shell variables, and how
// the queries a runbook suggests are written, with the rules' own quoting (model/promql.ts).
import { labelKeys } from "../../model/labels";
import { defaultNamespaces } from "../../model/namespaces";
import { type MatcherValue, selector } from "../../model/promql";

export const obsNs = defaultNamespaces.observability;
const svcNs = defaultNamespaces.services;
export const loggingNs = defaultNamespaces.logging;

export const fromAlert =
    "Set «JOB», «NS» and, when the alert has one, «POD» from the alert's «job», «namespace» and «pod» labels " +
    `(the namespaces default to «${svcNs}» for services, «${obsNs}» for the stack and «${loggingNs}» for the ` +
    "log shipper; see «namespaces» in the stack file).";

/** The shell variables a runbook reads the alert's job and namespace into (see fromAlert). */
export const jobVar = "$JOB";
export const nsVar = "$NS";

/** kubectl's selector for the pods of workload `name` (a name or a shell variable). */
export function podsOf(name: string): string {
    return `-l ${labelKeys.name}=${name}`;
}

/**
 * A query as a runbook prints it: exactly the rules' text, with a space after each comma between
 * label matchers (`{job="$JOB", status_code=~"5.."}`) for reading. Commas inside quoted values
 * and outside braces (`by (a, b)`, function arguments) are left as they are.
 */
export function spaceMatchers(query: string): string {
    let out = "";
    let depth = 0;
    let quoted = false;
    for (let i = 0; i < query.length; i++) {
        const ch = query.charAt(i);
        out += ch;
        if (quoted) {
            if (ch === "\\") out += query.charAt(++i);
            else if (ch === '"') quoted = false;
        } else if (ch === '"') quoted = true;
        else if (ch === "{") depth++;
        else if (ch === "}") depth--;
        else if (ch === "," && depth > 0) out += " ";
    }
    return out;
}

/** `metric{job="$JOB", …}`: a metric of the alert's job, as a runbook query. */
export function alertJob(metric: string, matchers: Record<string, MatcherValue> = {}): string {
    return spaceMatchers(selector(metric, { job: jobVar, ...matchers }));
}
