// What the deploy workflow decides after each `pulumi up` (docs/operations/deploy.md, "Verification and
// automatic rollback"): pure functions over what verify.ts and last-good.ts read from the cluster, from
// Prometheus and from the stack, so every branch of the decision has a unit test and the I/O stays thin.
import type { SeverityClass } from "../../model/alerts";
import { catalog, serviceNames } from "../../model/catalog";

/** The part of a Deployment, StatefulSet or DaemonSet a rollout's completion is read from. */
export interface Workload {
    kind: string;
    metadata: { name: string; namespace?: string; generation?: number };
    spec?: { replicas?: number };
    status?: {
        observedGeneration?: number;
        replicas?: number;
        updatedReplicas?: number;
        availableReplicas?: number;
        readyReplicas?: number;
        currentRevision?: string;
        updateRevision?: string;
        desiredNumberScheduled?: number;
        updatedNumberScheduled?: number;
        numberAvailable?: number;
        conditions?: { type: string; status: string; reason?: string; message?: string }[];
    };
}

/**
 * Why `w`'s rollout is not complete, or undefined when it is: the same tests `kubectl rollout status`
 * makes (the controller saw the latest spec; every replica runs the new template and is available).
 */
export function rolloutProblem(w: Workload): string | undefined {
    const id = `${w.kind} ${w.metadata.namespace ?? ""}/${w.metadata.name}`;
    const s = w.status ?? {};
    if ((s.observedGeneration ?? 0) < (w.metadata.generation ?? 0))
        return `${id}: the controller has not observed generation ${w.metadata.generation} yet`;
    const stalled = s.conditions?.find((c) => c.type === "Progressing" && c.status === "False");
    if (stalled) return `${id}: ${stalled.reason ?? "not progressing"}${stalled.message ? ` (${stalled.message})` : ""}`;
    const count = (have: number | undefined, want: number, what: string): string | undefined =>
        (have ?? 0) < want ? `${id}: ${have ?? 0} of ${want} replicas ${what}` : undefined;
    if (w.kind === "DaemonSet") {
        const want = s.desiredNumberScheduled ?? 0;
        return count(s.updatedNumberScheduled, want, "updated") ?? count(s.numberAvailable, want, "available");
    }
    const want = w.spec?.replicas ?? 1;
    if (w.kind === "StatefulSet") {
        if (s.updateRevision && s.currentRevision !== s.updateRevision && (s.updatedReplicas ?? 0) < want)
            return `${id}: ${s.updatedReplicas ?? 0} of ${want} pods on revision ${s.updateRevision}`;
        return count(s.readyReplicas, want, "ready");
    }
    if ((s.replicas ?? 0) > want) return `${id}: ${(s.replicas ?? 0) - want} old replicas still terminating`;
    return count(s.updatedReplicas, want, "updated") ?? count(s.availableReplicas, want, "available");
}

/** One alert of Prometheus's `GET /api/v1/alerts`. */
export interface PrometheusAlert {
    labels: Record<string, string>;
    state: "firing" | "pending" | "inactive";
    activeAt?: string;
}

/** The severity the verification refuses: a firing alert of this severity pages someone. */
const blockingSeverity: SeverityClass = "critical";

/** `alertname{labels}` of every firing critical alert of one poll of `/api/v1/alerts`. */
export function firingCritical(alerts: readonly PrometheusAlert[]): string[] {
    return alerts
        .filter((a) => a.state === "firing" && a.labels.severity === blockingSeverity)
        .map((a) => {
            const { alertname, ...rest } = a.labels;
            const labels = Object.entries(rest)
                .filter(([k]) => k !== "severity")
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => `${k}="${v}"`);
            return `${alertname ?? "(no alertname)"}{${labels.join(",")}}`;
        });
}

/** One poll of the settle window. */
export interface Poll {
    /** Seconds since the window opened. */
    at: number;
    /** Firing critical alerts (firingCritical), or the error reading them. */
    critical: string[] | { error: string };
    /** The gateway health endpoint's HTTP status, or the error reaching it. */
    health: number | { error: string };
}

export interface Verdict {
    ok: boolean;
    problems: string[];
}

/**
 * The deployment is good when every rollout completed, no critical alert fired at any poll of the
 * settle window, and the gateway health endpoint answered 2xx at the last poll (an outage at the end
 * is what users see; one failed poll earlier is a blip the alerts judge). Prometheus unreadable is a
 * failure: a verification that cannot see the alerts proves nothing.
 */
export function verdict(rollouts: readonly string[], polls: readonly Poll[]): Verdict {
    const problems = [...rollouts];
    if (polls.length === 0) problems.push("the settle window made no poll");
    const alerts = new Map<string, number>();
    for (const p of polls) {
        if ("error" in p.critical) problems.push(`Prometheus unreadable at ${p.at}s: ${p.critical.error}`);
        else for (const a of p.critical) if (!alerts.has(a)) alerts.set(a, p.at);
    }
    for (const [alert, at] of alerts) problems.push(`critical alert firing (from ${at}s): ${alert}`);
    const last = polls.at(-1);
    if (last && (typeof last.health !== "number" || last.health < 200 || last.health > 299))
        problems.push(
            `gateway health endpoint: ${typeof last.health === "number" ? `HTTP ${last.health}` : last.health.error} at ${last.at}s`,
        );
    return { ok: problems.length === 0, problems };
}

/** The last state that passed verification, as last-good.ts records it in the stack's tags. */
export interface GoodState {
    ref: string;
    /** service → image digest (`sha256:…`), for the services deployed by digest. */
    digests: Record<string, string>;
}

export type RollbackPlan =
    { action: "redeploy"; ref: string; digests: Record<string, string> } | { action: "none"; reason: string };

/**
 * What to do after a failed deploy of `deployed` (commit and digests): redeploy the last good state,
 * unless there is none (the first deploy of the stack) or it is the very state that just failed (the
 * fault is not in the release — redeploying it again would loop; a person must look).
 */
export function rollbackPlan(deployed: GoodState, lastGood: GoodState | undefined): RollbackPlan {
    if (!lastGood) return { action: "none", reason: "no deployment of this stack has passed verification yet" };
    const same =
        lastGood.ref === deployed.ref &&
        JSON.stringify(Object.entries(lastGood.digests).sort()) === JSON.stringify(Object.entries(deployed.digests).sort());
    if (same)
        return {
            action: "none",
            reason: `the failed state is the last good one (${lastGood.ref}); the fault is outside the release`,
        };
    return { action: "redeploy", ref: lastGood.ref, digests: lastGood.digests };
}

const digestPattern = /@(sha256:[a-f0-9]{64})$/;

/** service → digest of every catalog service's Deployment that runs an image by digest. */
export function deployedDigests(deployments: readonly { name: string; image: string }[]): Record<string, string> {
    const known = new Set<string>(serviceNames);
    return Object.fromEntries(
        deployments.flatMap((d) => {
            const m = digestPattern.exec(d.image);
            return known.has(d.name) && m ? [[d.name, m[1]] as const] : [];
        }),
    );
}

/** The stack tags that hold the last good state: names within Pulumi Cloud's 40 characters, values within its 256. */
export const goodStateTags = {
    ref: "azora-last-good-ref",
    digest: (service: string): string => `azora-last-good-${service}`,
} as const;

/** The stack tags of `state` (the ref, one tag per digest). */
export function toTags(state: GoodState): Record<string, string> {
    return {
        [goodStateTags.ref]: state.ref,
        ...Object.fromEntries(Object.entries(state.digests).map(([s, d]) => [goodStateTags.digest(s), d])),
    };
}

/** The last good state held in `tags`, or undefined when none was recorded. */
export function fromTags(tags: Record<string, string>): GoodState | undefined {
    const ref = tags[goodStateTags.ref];
    if (!ref) return undefined;
    const digests = Object.fromEntries(
        serviceNames.flatMap((s) => {
            const d = tags[goodStateTags.digest(s)];
            return d ? [[s, d] as const] : [];
        }),
    );
    return { ref, digests };
}

/**
 * The API server's proxy path to `path` on an in-cluster Service URL
 * (`http://prometheus.azora-observability.svc.cluster.local:9090` → `/api/v1/namespaces/azora-observability/services/http:prometheus:9090/proxy/…`):
 * the deploy job reaches Prometheus with the kubeconfig it deployed with, no port-forward, nothing exposed.
 */
export function serviceProxyPath(inClusterUrl: string, path: string): string {
    const u = new URL(inClusterUrl);
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.|$)/.exec(u.hostname);
    if (!m) throw new Error(`${inClusterUrl} is not an in-cluster Service URL (<service>.<namespace>.svc…)`);
    const scheme = u.protocol.replace(":", "");
    const port = u.port || (scheme === "https" ? "443" : "80");
    return `/api/v1/namespaces/${m[2]}/services/${scheme}:${m[1]}:${port}/proxy${path}`;
}

/** The public service's readiness endpoint behind the gateway URL (the catalog's health path). */
export function gatewayHealthUrl(gatewayUrl: string): string {
    const entry = catalog.find((s) => s.public);
    if (!entry) throw new Error("the catalog declares no public service");
    return new URL(entry.health.readiness, gatewayUrl).toString();
}
