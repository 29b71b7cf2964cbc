// Boots the pack the way the Pulumi CLI does — `@pulumi/pulumi/cmd/run-policy-pack` from the
// pack's own node_modules, TypeScript compiled and type-checked on the fly — and talks to it over
// the analyzer gRPC protocol: what it serves, how it takes the config file, what it reports.
// Everything but the CLI itself; the real-engine preview is the integration suite's job.
import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { type JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { EnforcementLevel, PolicyConfigJSONSchema } from "../../policies/lib/types";
import { allPolicies } from "../../policies/rules";
import { SECURE_CONTAINER_CONTEXT, compliantStack, deployment } from "./fixtures";
import { loadConfigFile, POLICIES_DIR, PolicyConfigFile, resolvePolicyConfig, TestResource, urnOf } from "./harness";

const BOOT_TIMEOUT_MS = 180_000;

const LEVEL_TO_PROTO: Readonly<Record<EnforcementLevel, pb.EnforcementLevel>> = {
    advisory: pb.EnforcementLevel.ADVISORY,
    mandatory: pb.EnforcementLevel.MANDATORY,
    disabled: pb.EnforcementLevel.DISABLED,
    remediate: pb.EnforcementLevel.REMEDIATE,
};
const PROTO_TO_LEVEL: Readonly<Record<number, EnforcementLevel>> = {
    [pb.EnforcementLevel.ADVISORY]: "advisory",
    [pb.EnforcementLevel.MANDATORY]: "mandatory",
    [pb.EnforcementLevel.DISABLED]: "disabled",
    [pb.EnforcementLevel.REMEDIATE]: "remediate",
};

interface Diagnostic {
    readonly policy: string;
    readonly message: string;
    readonly level: EnforcementLevel;
    readonly urn: string;
}

function unary<Req, Res>(
    call: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
    req: Req,
): Promise<Res> {
    return new Promise((resolve, reject) => call(req, (err, res) => (err ? reject(err) : resolve(res))));
}

function options(): pb.AnalyzerResourceOptions {
    const o = new pb.AnalyzerResourceOptions();
    o.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
    return o;
}

/** An object as the engine sends it over the wire: its plain JSON (undefined members dropped), as a Struct. */
function structOf(value: object): Struct {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Record<string, JavaScriptValue>);
}

function diagnosticsOf(res: pb.AnalyzeResponse): Diagnostic[] {
    return res.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        message: d.getMessage(),
        level: PROTO_TO_LEVEL[d.getEnforcementlevel()],
        urn: d.getUrn(),
    }));
}

describe("the policy pack served by Pulumi's policy runner", () => {
    let child: ChildProcess | undefined;
    let client: AnalyzerClient;
    let info: pb.AnalyzerInfo;
    let stderr = "";

    /** What the engine does with --policy-pack-config: schema defaults, "all", then each policy's entry. */
    async function configure(file: PolicyConfigFile): Promise<void> {
        const req = new pb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const p of info.getPoliciesList()) {
            const properties = (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
                string,
                PolicyConfigJSONSchema
            >;
            const served = {
                name: p.getName(),
                enforcementLevel: PROTO_TO_LEVEL[p.getEnforcementlevel()],
                configSchema: { properties },
            };
            const resolved = resolvePolicyConfig(served, file);
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_TO_PROTO[resolved.enforcementLevel]);
            pc.setProperties(structOf(resolved.properties));
            map.set(p.getName(), pc);
        }
        await unary(client.configure.bind(client), req);
    }

    async function analyze(r: TestResource): Promise<Diagnostic[]> {
        const req = new pb.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(urnOf(r));
        req.setProperties(structOf(r.props));
        req.setOptions(options());
        return diagnosticsOf(await unary(client.analyze.bind(client), req));
    }

    async function analyzeStack(resources: readonly TestResource[]): Promise<Diagnostic[]> {
        const req = new pb.AnalyzeStackRequest();
        req.setResourcesList(
            resources.map((r) => {
                const ar = new pb.AnalyzerResource();
                ar.setType(r.type);
                ar.setName(r.name);
                ar.setUrn(urnOf(r));
                ar.setProperties(structOf(r.props));
                ar.setOptions(options());
                return ar;
            }),
        );
        return diagnosticsOf(await unary(client.analyzeStack.bind(client), req));
    }

    beforeAll(async () => {
        const runner = join(POLICIES_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
        const proc = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
            cwd: POLICIES_DIR,
            stdio: ["ignore", "pipe", "pipe"],
        });
        child = proc;
        proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            proc.stdout?.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(Number(m[1]));
            });
            proc.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
        });
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        info = await unary(client.getAnalyzerInfo.bind(client), new Empty());
    }, BOOT_TIMEOUT_MS);

    afterAll(() => {
        client?.close();
        if (child && child.exitCode === null) child.kill();
    });

    it("serves the azora-platform pack with every policy, mandatory by default", () => {
        expect(info.getName()).toBe("azora-platform");
        const served = info.getPoliciesList().map((p) => [p.getName(), PROTO_TO_LEVEL[p.getEnforcementlevel()]]);
        expect(served).toEqual(allPolicies.map((p) => [p.name, "mandatory"]));
    });

    it("declares each policy's config schema, exemptions included", () => {
        for (const p of info.getPoliciesList()) {
            const props = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
            expect(Object.keys(props), p.getName()).toContain("exemptions");
        }
    });

    it("reports a privileged container as a mandatory violation under the local config", async () => {
        await configure(loadConfigFile("local"));
        const privileged = deployment("api-gateway", {
            container: { securityContext: { ...SECURE_CONTAINER_CONTEXT, privileged: true } },
        });
        const found = (await analyze(privileged)).filter((d) => d.policy === "pss-no-privileged");
        // The policy server prefixes each message with the policy's description on its own line.
        expect(found.map((d) => [d.level, d.message.split("\n").slice(1).join("\n").split(" Remediation: ")[0]])).toEqual([
            ["mandatory", 'Deployment azora/api-gateway: container "api-gateway" runs privileged.'],
        ]);
    });

    it("reports hygiene violations as advisory under the dev config", async () => {
        await configure(loadConfigFile("dev"));
        const found = await analyze(deployment("api-gateway", { container: { resources: undefined } }));
        expect(found.map((d) => [d.policy, d.level])).toEqual([
            ["container-resources", "advisory"],
            ["container-ephemeral-storage", "advisory"],
        ]);
    });

    it("honours the exemptions of the config file", async () => {
        await configure(loadConfigFile("local"));
        const shipper = deployment("log-shipper", {
            namespace: "azora-observability",
            pod: { volumes: [{ name: "varlog", hostPath: { path: "/var/log" } }] },
        });
        expect((await analyze(shipper)).map((d) => d.policy)).toEqual(["pss-no-host-path"]);
    });

    it("finds nothing wrong with a compliant stack under the prod config", async () => {
        await configure(loadConfigFile("prod"));
        const stack = compliantStack();
        const perResource = (await Promise.all(stack.map((r) => analyze(r)))).flat();
        expect([...perResource, ...(await analyzeStack(stack))]).toEqual([]);
    });

    it("runs the stack policies over the whole stack", async () => {
        await configure(loadConfigFile("local"));
        const found = await analyzeStack([deployment("api-gateway")]);
        expect([...new Set(found.map((d) => d.policy))].sort()).toEqual([
            "availability-deployment-has-hpa",
            "availability-deployment-has-pdb",
            "network-namespace-default-deny",
            "network-workloads-selected-by-policy",
        ]);
        expect(found.every((d) => d.level === "mandatory")).toBe(true);
        // Namespace-level findings have no object to point at (the namespace is not in the stack).
        expect(found.filter((d) => !d.urn.endsWith("::api-gateway")).map((d) => [d.policy, d.urn])).toEqual([
            ["network-namespace-default-deny", ""],
        ]);
    });
});
