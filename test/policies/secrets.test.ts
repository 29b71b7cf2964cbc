import { describe, expect, it } from "vitest";

import {
    credentialShapeOf,
    looksSecret,
    noCredentialValues,
    noLiteralSecretEnv,
    noSecretConfigMapKeys,
    noServiceAccountTokenSecrets,
    secretsAsFiles,
} from "../../policies/rules/secrets";
import { configMap, container, deployment, secret, service, withAnnotations, workload, WORKLOAD_KINDS } from "./fixtures";
import { PolicyConfigFile, problems } from "./harness";

const withEnv = (name: string, value: string) =>
    deployment("auth-service", {
        container: {
            env: [
                { name: "LOG_LEVEL", value: "info" },
                { name, value },
            ],
        },
    });

describe("secrets-no-literal-env", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s (secrets come from valueFrom)", async (kind) => {
        expect(await problems(noLiteralSecretEnv, workload(kind, "auth-service"))).toEqual([]);
    });

    it.each([
        "DB_PASSWORD",
        "JWT_SECRET",
        "GITHUB_TOKEN",
        "STRIPE_API_KEY",
        "OPENAI_APIKEY",
        "SIGNING_PRIVATE_KEY",
        "GCP_CREDENTIALS",
        "db_password",
        "DB_PASSWD",
        "MYSQL_PWD",
        "SMTP_PASS",
        "REDIS_CREDS",
        "AWS_ACCESS_KEY",
        "GPG_PASSPHRASE",
        "dbPass",
    ])("reports a literal value for %s", async (name) => {
        expect(await problems(noLiteralSecretEnv, withEnv(name, "hunter2"))).toEqual([
            `Deployment azora/auth-service: container "auth-service" sets the secret-looking env var ${name} to a literal value.`,
        ]);
    });

    it("accepts an empty literal value", async () => {
        expect(await problems(noLiteralSecretEnv, withEnv("DB_PASSWORD", ""))).toEqual([]);
    });

    it.each(["DB_PASSWORD_FILE", "ACCESS_TOKEN_TTL_SECONDS", "JWT_SECRET_NAME"])(
        "accepts %s, which names a secret without holding it",
        async (name) => {
            expect(await problems(noLiteralSecretEnv, withEnv(name, "/var/run/secrets/azora/db"))).toEqual([]);
        },
    );

    it("checks initContainers", async () => {
        const d = deployment("auth-service", {
            pod: { initContainers: [container("migrate", { env: [{ name: "DATABASE_PASSWORD", value: "x" }] })] },
        });
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
        expect(
            await problems(noSecretConfigMapKeys, configMap("auth-service", { LOG_LEVEL: "info", TOKEN_TTL_SECONDS: "900" })),
        ).toEqual([]);
    });

    it("reports a secret-looking key", async () => {
        expect(
            await problems(noSecretConfigMapKeys, configMap("auth-service", { LOG_LEVEL: "info", DB_PASSWORD: "hunter2" })),
        ).toEqual(["ConfigMap azora/auth-service: has the secret-looking key DB_PASSWORD in data."]);
    });

    it("reports a secret-looking key in binaryData", async () => {
        const cm = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "certs",
            props: { metadata: { name: "certs", namespace: "azora" }, binaryData: { "tls-private-key": "AAAA" } },
        };
        expect(await problems(noSecretConfigMapKeys, cm)).toEqual([
            "ConfigMap azora/certs: has the secret-looking key tls-private-key in binaryData.",
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

describe("secret-looking abbreviations", () => {
    it.each(["PASSTHROUGH_MODE", "COMPASS_URL", "BYPASS_CACHE", "PWDIR"])(
        "do not match %s, where pass or pwd is not a word",
        (name) => {
            expect(looksSecret(name, [])).toBe(false);
        },
    );
});

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n";
/** One value of each credential shape, none of them real. */
const CREDENTIALS: readonly [string, string][] = [
    ["a PEM private key", PEM],
    ["a URL with an embedded password", "postgres://azora:s3cr3t@db.azora.svc:5432/azora"],
    ["an AWS access key id", "AKIAIOSFODNN7EXAMPLE"],
    ["a JSON Web Token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhem9yYSJ9.c2lnbmF0dXJlLW5vdC1yZWFsLTEyMzQ1"],
    ["a GitHub token", `ghp_${"a".repeat(36)}`],
    ["a Slack token or webhook", "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX"],
    ["a Google API key", `AIza${"B".repeat(35)}`],
    ["a Stripe live key", `sk_live_${"c".repeat(24)}`],
];

describe("secrets-no-credential-values", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s", async (kind) => {
        expect(await problems(noCredentialValues, workload(kind, "auth-service"))).toEqual([]);
    });

    it.each(CREDENTIALS)("recognises %s", (what, value) => {
        expect(credentialShapeOf(value)).toBe(what);
    });

    it.each(CREDENTIALS)("reports %s in an innocently named env value", async (what, value) => {
        expect(await problems(noCredentialValues, withEnv("UPSTREAM", value))).toEqual([
            `Deployment azora/auth-service: container "auth-service" env UPSTREAM holds ${what}.`,
        ]);
    });

    it("reports a PEM private key under an innocent ConfigMap key", async () => {
        expect(await problems(noCredentialValues, configMap("auth-service", { "signing.pem": PEM }))).toEqual([
            "ConfigMap azora/auth-service: data key signing.pem holds a PEM private key.",
        ]);
    });

    it("reports a credential in an annotation of any object", async () => {
        const annotated = withAnnotations(service("auth-service"), { "example.com/token": CREDENTIALS[2][1] });
        expect(await problems(noCredentialValues, annotated)).toEqual([
            "Service azora/auth-service: annotation example.com/token holds an AWS access key id.",
        ]);
    });

    it("accepts a URL whose password is an env reference", async () => {
        expect(
            await problems(noCredentialValues, withEnv("DATABASE_URL", "postgres://azora:$(DB_PASSWORD)@db:5432/azora")),
        ).toEqual([]);
    });

    it("accepts a URL with a user but no password", async () => {
        expect(await problems(noCredentialValues, withEnv("UPSTREAM_URL", "https://azora@git.example.com/repo"))).toEqual([]);
    });
});

describe("secrets-mounted-as-files", () => {
    it.each(WORKLOAD_KINDS)("passes a compliant %s (the secret is a mounted file named by *_FILE)", async (kind) => {
        expect(await problems(secretsAsFiles, workload(kind, "auth-service"))).toEqual([]);
    });

    it("reports an env var read from a Secret", async () => {
        const d = deployment("auth-service", {
            container: {
                env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "auth-service-secrets", key: "DB_PASSWORD" } } }],
            },
        });
        expect(await problems(secretsAsFiles, d)).toEqual([
            'Deployment azora/auth-service: container "auth-service" reads Secret auth-service-secrets key DB_PASSWORD into env DB_PASSWORD.',
        ]);
    });

    it("reports a whole Secret loaded with envFrom", async () => {
        const d = deployment("auth-service", { container: { envFrom: [{ secretRef: { name: "auth-service-secrets" } }] } });
        expect(await problems(secretsAsFiles, d)).toEqual([
            'Deployment azora/auth-service: container "auth-service" loads every key of Secret auth-service-secrets into its environment (envFrom).',
        ]);
    });

    it("accepts envFrom of a ConfigMap", async () => {
        const d = deployment("auth-service", { container: { envFrom: [{ configMapRef: { name: "auth-service-config" } }] } });
        expect(await problems(secretsAsFiles, d)).toEqual([]);
    });
});

describe("secrets-no-service-account-token-secrets", () => {
    it("passes an Opaque Secret", async () => {
        expect(await problems(noServiceAccountTokenSecrets, secret("auth-service-secrets", "Opaque"))).toEqual([]);
    });

    it("reports a long-lived service-account token Secret", async () => {
        expect(await problems(noServiceAccountTokenSecrets, secret("ci-token", "kubernetes.io/service-account-token"))).toEqual([
            "Secret azora/ci-token: is a long-lived kubernetes.io/service-account-token Secret.",
        ]);
    });
});
