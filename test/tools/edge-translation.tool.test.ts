// Every environment's edge as Envoy Gateway's own translator judges it (egctl x translate, built pinned by
// scripts/cluster.sh from the release the stacks install): the objects the program renders from each stack
// file, with a certificate for the gateway's host (what cert-manager would issue there) and the gateway's
// Service, are all Accepted, and the Envoy configuration holds that stack's numbers. The e2e suite does the
// same for the objects the API server stored.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type EdgeSettings, parsePlatformConfig } from "../../components/config";
import { Edge } from "../../components/edge";
import { catalog, publicService } from "../../model/catalog";
import { clusterBinary } from "../../scripts/lib/cluster";
import { runCommand } from "../../scripts/lib/workspace";
import { expectTranslated, references, translate } from "../envoy-translation";
import { recordResources, type Registered, settle } from "../unit/harness";
import { pipelineDigests, readStackConfig, stacks } from "../unit/stack-files";

const egctl = clusterBinary("egctl");
const gateway = publicService(catalog);
const dir = mkdtempSync(path.join(tmpdir(), "azora-edge-translate-"));

function settingsOf(stack: string): EdgeSettings {
    const raw = readStackConfig(stack);
    const images = { ...(raw.images as object), digests: pipelineDigests(catalog) };
    return parsePlatformConfig(stack, { ...raw, images }, catalog).edge;
}

/** The stacks' edges, and one with both IP lists and trusted proxy ranges (no stack file sets them all). */
const cases: [name: string, settings: EdgeSettings][] = [
    ...stacks.map((stack): [string, EdgeSettings] => [stack, settingsOf(stack)]),
    [
        "lists",
        {
            ...settingsOf("local"),
            allowCidrs: ["198.51.100.0/24", "2001:db8::/32"],
            denyCidrs: ["198.51.100.66/32"],
            clientIp: { trustedProxyCidrs: ["10.0.0.0/8"], trustedHops: 0 },
        },
    ],
];

const registered = recordResources();
let resources: Registered[] = [];

beforeAll(async () => {
    if (!existsSync(egctl)) throw new Error(`egctl is not built (${egctl} is missing) — run: bash scripts/cluster.sh build (make cluster-tools)`);
    for (const [name, settings] of cases) {
        new Edge(`edge-${name}`, { settings, namespace: `azora-${name}`, environment: name, gateway });
    }
    await settle(registered);
    resources = [...registered];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate for the host, as the TLS Secret cert-manager writes (openssl, P-256). */
function tlsSecret(name: string, namespace: string, host: string): object {
    const key = path.join(dir, `${namespace}.key`);
    const crt = path.join(dir, `${namespace}.crt`);
    const subject = ["-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host}`];
    const keyPair = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key];
    execFileSync("openssl", ["req", "-x509", ...keyPair, "-days", "2", "-out", crt, ...subject], { stdio: "ignore" });
    const b64 = (file: string) => readFileSync(file).toString("base64");
    return { apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls", metadata: { name, namespace }, data: { "tls.crt": b64(crt), "tls.key": b64(key) } };
}

describe("Envoy Gateway's translator", () => {
    it.each(cases)("accepts the %s edge and programs its limits, lists and TLS floor into Envoy", async (name, settings) => {
        const namespace = `azora-${name}`;
        const ours = (r: Registered) => r.name === `edge-${name}` || r.name.startsWith(`edge-${name}-`);
        const edge = resources.filter((r) => ours(r) && r.type.startsWith("kubernetes:gateway.")).map((r) => r.inputs);
        // What the rendered objects reference, as the cluster would hold it: the certificate and the backend Service.
        const { certificates, backends } = references(edge);
        const secrets = certificates.map((secret) => tlsSecret(secret, namespace, `api.${settings.domain}`));
        const services = backends.map(({ name: service, port }) => ({
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: service, namespace },
            // The translator routes to the ClusterIP (the API server would assign one).
            spec: { clusterIP: "10.96.0.10", ports: [{ name: "http", port, targetPort: port }] },
        }));
        const run = (args: string[]) => runCommand(egctl, args, dir, process.env);
        const t = await translate([...edge, ...secrets, ...services], path.join(dir, `${name}.yaml`), run);
        expectTranslated(t, { settings, gateway, namespace });
    });
});
