// The edge's certificates, as cert-manager's controller reports them: close to expiry (renewal has been
// failing for days: cert-manager renews a third of the lifetime before the end, 30 days for a 90-day ACME
// certificate) and not Ready.
import type { AlertName } from "../../model/alerts";
import { durationSeconds, durationWords } from "../../model/durations";
import { certManager, certManagerNamespace, certManagerScrape, edgeThresholds } from "../../model/edge-metrics";
import { by, num, selector } from "../../model/promql";
import { forJob, hold, type Hold, type RuleBuilder } from "../core/builder";
import { promql, sh } from "../core/markdown";
import { runbooks } from "../core/runbook";
import type { Rule } from "../core/types";

const job = certManagerScrape.job;

/** Time left before a certificate expires, per severity: each a renewal failing for longer. */
const expiryThresholds = [
    { severity: "warning", left: `${edgeThresholds.expiryWarningDays}d`, for: "1h" },
    { severity: "critical", left: `${edgeThresholds.expiryCriticalDays}d`, for: "1h" },
] as const satisfies readonly (Hold & { left: `${number}d` })[];
/** A certificate not Ready, sustained past a normal issuance or renewal. */
const notReady = { severity: "warning", for: "15m" } as const satisfies Hold;

/** cert-manager's series name the Certificate in `name` and `namespace` (scraped with its own labels kept). */
const byCertificate = by(["namespace", "name"]);

type Certificates = Extract<AlertName, "CertificateExpiresSoon" | "CertificateNotReady">;

const [earlyExpiry, lateExpiry] = expiryThresholds;

export function certificateRules(rb: RuleBuilder<Certificates>): Rule[] {
    const expiry = selector(certManager.expirationTimestamp, { job });
    return forJob(job, [
        ...expiryThresholds.map((t) =>
            rb.alert({
                name: "CertificateExpiresSoon",
                expr: `min ${byCertificate} (${expiry}) - time() < ${num(durationSeconds(t.left))}`,
                ...hold(t),
                summary: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}",
                description:
                    `Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}, less than ${durationWords(t.left)}: ` +
                    "cert-manager has been failing to renew it, and clients will refuse the edge when it expires.",
            }),
        ),
        rb.alert({
            name: "CertificateNotReady",
            expr: `max ${byCertificate} (${selector(certManager.readyStatus, { job, condition: "False" })}) == 1`,
            ...hold(notReady),
            summary: "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not Ready",
            description:
                `Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been Ready for ${durationWords(notReady.for)}: its ` +
                "issuance or renewal is failing, and the gateway keeps serving the previous certificate (or none).",
        }),
    ]);
}

const certificateChecks = sh(
    "kubectl -n $NS describe certificate $NAME",
    "kubectl -n $NS get certificaterequests,orders,challenges",
    `kubectl -n ${certManagerNamespace} logs -l ${certManagerScrape.componentLabel}=${certManagerScrape.component} --since=1h | grep -i error | tail`,
);
const fromLabels = "Set «NS» and «NAME» from the alert's «namespace» and «name» labels (the Certificate).";

export const certificateRunbooks = runbooks<Certificates>(__filename, {
    CertificateExpiresSoon: () => ({
        meaning:
            `A Certificate cert-manager manages expires in less than ${durationWords(earlyExpiry.left)} (${earlyExpiry.severity}; ` +
            `${lateExpiry.severity} below ${durationWords(lateExpiry.left)}). cert-manager renews a third of the lifetime before the end, so its renewal has been failing for days.`,
        impact: "When it expires, clients refuse the TLS handshake: the public edge is unreachable over HTTPS.",
        check: [
            fromLabels,
            promql(`(${selector(certManager.expirationTimestamp, { job })} - time()) / 86400`),
            certificateChecks,
        ].join("\n\n"),
        act: [
            "- ACME HTTP-01 challenge failing: the Gateway's HTTP listener must route «/.well-known/acme-challenge/» to the solver; check the Challenge's reason.",
            "- ACME rate limits or account problems: the Order's reason says so; wait, or switch «edge.tls.issuer» to the staging server to test.",
            "- Emergency: renew now with «cmctl renew -n $NS $NAME», or delete the Certificate's Secret to force a new issuance.",
        ].join("\n"),
    }),
    CertificateNotReady: () => ({
        meaning: `A Certificate cert-manager manages has had Ready=False for ${durationWords(notReady.for)}.`,
        impact: "Its issuance or renewal fails; the Secret keeps the previous certificate until it expires (or the listener has none yet).",
        check: [fromLabels, promql(selector(certManager.readyStatus, { job, condition: "False" })), certificateChecks].join("\n\n"),
        act: [
            "- Issuer not Ready: fix the ClusterIssuer (ACME account key, server URL) it names.",
            "- Challenge pending: see CertificateExpiresSoon's actions for HTTP-01.",
        ].join("\n"),
    }),
});
