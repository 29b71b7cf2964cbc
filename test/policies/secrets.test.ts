import { describe, expect, it } from "vitest";

import { looksSecret, noLiteralSecretEnv, noSecretConfigMapKeys } from "../../policies/rules/secrets";
import { configMap, container, deployment, workload, WORKLOAD_KINDS } from "./fixtures";
import { PolicyConfigFile, problems } from "./harness";

const withEnv = (name: string, value: string) =>
    deployment("auth-service", { container: { env: [{ name: "LOG_LEVEL", value: "info" }, { name, value }] } });

describe("secrets-no-literal-env", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s (secrets come from valueFrom)", async (kind) => {
        expect(await problems(noLiteralSecretEnv, workload(kind, "auth-service"))).toEqual([]);
    });

    it.each(["DB_PASSWORD", "JWT_SECRET", "GITHUB_TOKEN", "STRIPE_API_KEY", "OPENAI_APIKEY", "SIGNING_PRIVATE_KEY", "GCP_CREDENTIALS", "db_password"])(
        "reports a literal value for %s",
        async (name) => {
            expect(await problems(noLiteralSecretEnv, withEnv(name, "hunter2"))).toEqual([
                `Deployment azora/auth-service: container "auth-service" sets the secret-looking env var ${name} to a literal value.`,
            ]);
        },
    );

    it("accepts an empty literal value", async () => {
        expect(await problems(noLiteralSecretEnv, withEnv("DB_PASSWORD", ""))).toEqual([]);
    });

    it.each(["DB_PASSWORD_FILE", "ACCESS_TOKEN_TTL_SECONDS", "JWT_SECRET_NAME"])("accepts %s, which names a secret without holding it", async (name) => {
        expect(await problems(noLiteralSecretEnv, withEnv(name, "/var/run/secrets/azora/db"))).toEqual([]);
    });

    it("checks initContainers", async () => {
        const d = deployment("auth-service", { pod: { initContainers: [container("migrate", { env: [{ name: "DATABASE_PASSWORD", value: "x" }] })] } });
        expect(await problems(noLiteralSecretEnv, d)).toEqual([
            'Deployment azora/auth-service: initContainer "migrate" sets the secret-looking env var DATABASE_PASSWORD to a literal value.',
        ]);
    });

    it("lets config replace the non-secret suffixes", async () => {
        const config: PolicyConfigFile = { "secrets-no-literal-env": { nonSecretSuffixes: [] } };
        expect(await problems(noLiteralSecretEnv, withEnv("DB_PASSWORD_FILE", "/run/x"), config)).toHaveLength(1);
    });
});

describe("secrets-no-configmap-secrets", () => {
    it("passes a ConfigMap of plain settings", async () => {
        expect(await problems(noSecretConfigMapKeys, configMap("auth-service", { LOG_LEVEL: "info", TOKEN_TTL_SECONDS: "900" }))).toEqual([]);
    });

    it("reports a secret-looking key", async () => {
        expect(await problems(noSecretConfigMapKeys, configMap("auth-service", { LOG_LEVEL: "info", DB_PASSWORD: "hunter2" }))).toEqual([
            "ConfigMap azora/auth-service: has the secret-looking key DB_PASSWORD in data.",
        ]);
    });

    it("reports a secret-looking key in binaryData", async () => {
        const cm = { type: "kubernetes:core/v1:ConfigMap", name: "certs", props: { metadata: { name: "certs", namespace: "azora" }, binaryData: { "tls-private-key": "AAAA" } } };
        expect(await problems(noSecretConfigMapKeys, cm)).toEqual(["ConfigMap azora/certs: has the secret-looking key tls-private-key in binaryData."]);
    });

    it("reports a PEM private key under an innocent key", async () => {
        const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n";
        expect(await problems(noSecretConfigMapKeys, configMap("auth-service", { "signing.pem": pem }))).toEqual([
            "ConfigMap azora/auth-service: holds a PEM private key under signing.pem.",
        ]);
    });
});

describe("secret-looking names", () => {
    it("ignores names that merely contain no secret word", () => {
        expect(looksSecret("UPSTREAM_URL", [])).toBe(false);
    });

    it("compares suffixes case-insensitively", () => {
        expect(looksSecret("db_password_file", ["_FILE"])).toBe(false);
    });
});
