// Secrets never travel as literals (not in env values, ConfigMaps or annotations, whatever their
// name), reach containers as mounted files rather than environment variables (env leaks into crash
// dumps, child processes and `kubectl describe`), and no long-lived service-account token exists.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import {
    ALL_KINDS,
    arrayOf,
    ConfigMapObject,
    containersOf,
    knownString,
    KubeObject,
    podTemplateOf,
    SecretObject,
} from "../lib/k8s";
import { BaseConfig, resourcePolicy } from "../lib/policy";
import { hasSecretWord, podPolicy } from "./common";

export interface SecretNameConfig extends BaseConfig {
    /**
     * Name suffixes that mark a setting *about* a secret rather than the secret itself
     * (`DB_PASSWORD_FILE`, `TOKEN_TTL_SECONDS`). Compared case-insensitively.
     */
    readonly nonSecretSuffixes?: readonly string[];
}

const DEFAULT_NON_SECRET_SUFFIXES: readonly string[] = ["_FILE", "_PATH", "_DIR", "_TTL", "_TTL_SECONDS", "_TTL_MS", "_NAME"];

const NON_SECRET_SUFFIXES_SCHEMA = {
    type: "array" as const,
    items: { type: "string" as const, minLength: 1 },
    default: [...DEFAULT_NON_SECRET_SUFFIXES],
    description:
        "Suffixes of names that refer to a secret without holding it (a mounted file's path, a token's TTL, a Secret's name).",
};

/** Whether a variable or key name looks like it holds a secret. */
export function looksSecret(name: string, nonSecretSuffixes: readonly string[]): boolean {
    if (!hasSecretWord(name)) {
        return false;
    }
    const upper = name.toUpperCase();
    return !nonSecretSuffixes.some((s) => upper.endsWith(s.toUpperCase()));
}

function suffixesOf(config: SecretNameConfig): readonly string[] {
    return Array.isArray(config.nonSecretSuffixes) ? config.nonSecretSuffixes : DEFAULT_NON_SECRET_SUFFIXES;
}

export const noLiteralSecretEnv = podPolicy<SecretNameConfig>({
    name: "secrets-no-literal-env",
    group: "secrets",
    severity: "critical",
    description:
        "No container env var with a secret-looking name (password, passwd, pwd, pass, passphrase, secret, token, api/access/signing/private key, credentials, creds) carries a literal value.",
    remediation:
        "store the value in a Kubernetes Secret (from the stack's encrypted config), mount it as a file and pass its path in <NAME>_FILE.",
    config: { nonSecretSuffixes: NON_SECRET_SUFFIXES_SCHEMA },
    checkPod: ({ spec, config, violation }) => {
        const suffixes = suffixesOf(config);
        for (const c of containersOf(spec)) {
            for (const e of arrayOf(c.container.env)) {
                if (
                    typeof e.name === "string" &&
                    typeof e.value === "string" &&
                    e.value !== "" &&
                    looksSecret(e.name, suffixes)
                ) {
                    violation(`${c.label} sets the secret-looking env var ${e.name} to a literal value.`);
                }
            }
        }
    },
});

export const noSecretConfigMapKeys = resourcePolicy<SecretNameConfig, ConfigMapObject>({
    name: "secrets-no-configmap-secrets",
    group: "secrets",
    severity: "critical",
    kinds: ["ConfigMap"],
    description:
        "ConfigMaps hold no secret-looking keys (password and its abbreviations, passphrase, secret, token, api/access/signing/private key, credentials); the values themselves are checked by secrets-no-credential-values.",
    remediation:
        "move the value into a Kubernetes Secret and mount it from there; keep only non-secret settings in the ConfigMap.",
    config: { nonSecretSuffixes: NON_SECRET_SUFFIXES_SCHEMA },
    check: ({ props, config, violation }) => {
        const suffixes = suffixesOf(config);
        for (const field of ["data", "binaryData"] as const) {
            for (const key of Object.keys(props[field] ?? {})) {
                if (looksSecret(key, suffixes)) {
                    violation(`has the secret-looking key ${key} in ${field}.`);
                }
            }
        }
    },
});

/** Shapes of credentials that give themselves away by their value, whatever the key is called. */
const CREDENTIAL_SHAPES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
    { what: "a PEM private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    // userinfo with a password; a $(VAR) or ${VAR} reference in its place is not a credential.
    { what: "a URL with an embedded password", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:(?!\$[({])[^\s@/]+@/i },
    { what: "an AWS access key id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/ },
    { what: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/ },
    { what: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
    {
        what: "a Slack token or webhook",
        pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/,
    },
    { what: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
    { what: "a Stripe live key", pattern: /\b[rs]k_live_[0-9A-Za-z]{24,}\b/ },
];

/** What credential a value looks like, if any. */
export function credentialShapeOf(value: unknown): string | undefined {
    if (typeof value !== "string" || value === "") {
        return undefined;
    }
    return CREDENTIAL_SHAPES.find((c) => c.pattern.test(value))?.what;
}

export const noCredentialValues = resourcePolicy<BaseConfig, KubeObject & ConfigMapObject>({
    name: "secrets-no-credential-values",
    group: "secrets",
    severity: "critical",
    kinds: ALL_KINDS,
    description:
        "No value shaped like a credential (PEM private key, URL with a password, AWS access key, JWT, GitHub/Slack/Google/Stripe token) sits in a container env value, a ConfigMap or any annotation, whatever its name.",
    remediation:
        "revoke the exposed credential, put the new one in a Kubernetes Secret from the stack's encrypted config, and mount it as a file; reference URLs without the password and pass it separately.",
    check: ({ kind, props, violation }) => {
        // Values only known after deployment (checksums, generated names) are skipped, not fatal.
        const report = (where: string, read: () => unknown): void => {
            const shape = credentialShapeOf(knownString(read));
            if (shape) {
                violation(`${where} holds ${shape}.`);
            }
        };
        const eachValue = (map: Readonly<Record<string, string>> | undefined, where: (key: string) => string): void => {
            for (const key of Object.keys(map ?? {})) {
                report(where(key), () => map?.[key]);
            }
        };
        eachValue(props.metadata?.annotations, (key) => `annotation ${key}`);
        if (kind === "ConfigMap") {
            eachValue(props.data, (key) => `data key ${key}`);
        }
        const template = podTemplateOf(kind, props);
        eachValue(template?.metadata?.annotations, (key) => `pod template annotation ${key}`);
        for (const c of containersOf(template?.spec)) {
            for (const e of arrayOf(c.container.env)) {
                report(`${c.label} env ${knownString(() => e.name) ?? "?"}`, () => e.value);
            }
        }
    },
});

export const secretsAsFiles = podPolicy({
    name: "secrets-mounted-as-files",
    group: "secrets",
    severity: "medium",
    description:
        "Secrets reach containers as mounted files, never as environment variables (no env valueFrom.secretKeyRef, no envFrom secretRef): env leaks into child processes, crash reports and debug output.",
    remediation:
        "mount the Secret as a read-only volume and pass the file's path in <NAME>_FILE (the services' convention); read the file at start and on change.",
    checkPod: ({ spec, violation }) => {
        for (const c of containersOf(spec)) {
            for (const e of arrayOf(c.container.env)) {
                const ref = e.valueFrom?.secretKeyRef;
                if (ref) {
                    violation(`${c.label} reads Secret ${ref.name ?? "?"} key ${ref.key ?? "?"} into env ${e.name ?? "?"}.`);
                }
            }
            for (const from of arrayOf(c.container.envFrom)) {
                if (from.secretRef) {
                    violation(
                        `${c.label} loads every key of Secret ${from.secretRef.name ?? "?"} into its environment (envFrom).`,
                    );
                }
            }
        }
    },
});

const SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";

export const noServiceAccountTokenSecrets = resourcePolicy<BaseConfig, SecretObject>({
    name: "secrets-no-service-account-token-secrets",
    group: "secrets",
    severity: "high",
    kinds: ["Secret"],
    description: `No Secret of type ${SERVICE_ACCOUNT_TOKEN_TYPE}: such a token never expires and survives the pod; projected tokens are short-lived and bound to the pod.`,
    remediation:
        "delete the Secret; let the kubelet project a bound, expiring token (a serviceAccountToken projected volume) into the one pod that calls the API, or use the TokenRequest API.",
    check: ({ props, violation }) => {
        if (props.type === SERVICE_ACCOUNT_TOKEN_TYPE) {
            violation(`is a long-lived ${SERVICE_ACCOUNT_TOKEN_TYPE} Secret.`);
        }
    },
});

export const secretPolicies: readonly ResourceValidationPolicy[] = [
    noLiteralSecretEnv,
    noSecretConfigMapKeys,
    noCredentialValues,
    secretsAsFiles,
    noServiceAccountTokenSecrets,
];
