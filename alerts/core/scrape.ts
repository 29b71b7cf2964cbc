// Prometheus's own per-target series: `up` is 1 while the target's last scrape succeeded. The
// services' and the stack's availability alerts read it the same way.
import { by, selector } from "../../model/promql";
import { lines } from "./builder";

export const up = "up";

/** Labels every per-job aggregate keeps: Alertmanager groups and inhibits on them. */
export const jobLabels = ["namespace", "job"] as const;
export const byJob = by(jobLabels);

/** No target of `job` up, or none scraped at all (`absent`: the job vanished from discovery). */
export function jobDown(job: string): string {
    const sel = selector(up, { job });
    return lines(`sum ${byJob} (${sel}) == 0`, "or", `absent(${sel})`);
}
