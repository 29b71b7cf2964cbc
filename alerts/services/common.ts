// What every per-service part shares: the labels its series are aggregated by, what counts as a
// failed request, and the runbook commands that find a service's pods, logs and rollout.
import { http, lokiServiceLabel } from "../../model/metrics";
import { num, selector } from "../../model/promql";
import type { Duration } from "../../model/alerts";
import { lines } from "../core/builder";
import { byJob } from "../core/scrape";
import { logql, sh } from "../core/markdown";
import { jobVar, nsVar, podsOf, spaceMatchers } from "../core/runbook-snippets";


/** A service's requests, all or those matching `matchers`. */
export function requests(job: string, matchers: Record<string, { re: string }> = {}): string {
    return selector(http.requests, { job, ...matchers });
}

export function rate(sel: string, window: Duration): string {
    return `rate(${sel}[${window}])`;
}

/**
 * `bad / all > ratio and <floor> > min`: a share of a service's events above `ratio`, counted only
 * while `floor` (an expression over the same job) is above `min`, so a quiet hour's single failure
 * does not page.
 */
export function shareAbove(share: { bad: string; all: string; window: Duration }, ratio: number, floor: string): string {
    return lines(
        "(",
        `  sum ${byJob} (${rate(share.bad, share.window)})`,
        "/",
        `  sum ${byJob} (${rate(share.all, share.window)})`,
        `) > ${num(ratio)}`,
        "and",
        floor,
    );
}

export const serviceWorkload = sh(
    "JOB=<job label>; NS=<namespace label>",
    `kubectl -n ${nsVar} get deploy,pods,hpa ${podsOf(jobVar)} -o wide`,
    `kubectl -n ${nsVar} get events --sort-by=.lastTimestamp | grep ${jobVar} | tail -20`,
    `kubectl -n ${nsVar} logs deploy/${jobVar} --since=15m | tail -100`,
);

export const rollback = [
    "If it started with a rollout («kubectl -n $NS rollout history deploy/$JOB», «pulumi stack history»), roll back:",
    sh(
        "kubectl -n $NS rollout undo deploy/$JOB     # immediate relief",
        "# then make it stick, or the next `pulumi up` re-deploys the bad version:",
        "pulumi config set --path 'workloads.services.<service>.tag' <previous-tag> && pulumi up",
    ),
].join("\n\n");

/** The log shipper labels streams with namespace, pod, container and the service name. */
export function serviceLogs(filter: string): string {
    return logql(`${spaceMatchers(selector("", { namespace: nsVar, [lokiServiceLabel]: jobVar }))} ${filter}`);
}
