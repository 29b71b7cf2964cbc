// Secrets never travel as literals: not in env values, not in ConfigMaps.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { arrayOf, ConfigMapObject, containersOf } from "../lib/k8s";
import { BaseConfig, resourcePolicy } from "../lib/policy";
import { podPolicy, SECRET_NAME } from "./common";

export interface SecretNameConfig extends BaseConfig {
    /**
     * Name suffixes that mark a setting *about* a secret rather than the secret itself
     * (`DB_PASSWORD_FILE`, `TOKEN_TTL_SECONDS`). Compared case-insensitively.
     */
    readonly nonSecretSuffixes?: readonly string[];
}

const DEFAULT_NON_SECRET_SUFFIXES: readonly string[] = [
    "_FILE",
    "_PATH",
    "_DIR",
    "_TTL",
    "_TTL_SECONDS",
    "_TTL_MS",
    "_NAME",
];

const NON_SECRET_SUFFIXES_SCHEMA = {
    type: "array" as const,
    items: { type: "string" as const, minLength: 1 },
    default: [...DEFAULT_NON_SECRET_SUFFIXES],
    description:
        "Suffixes of names that refer to a secret without holding it (a mounted file's path, a token's TTL, a Secret's name).",
};

/** Whether a variable or key name looks like it holds a secret. */
export function looksSecret(name: string, nonSecretSuffixes: readonly string[]): boolean {
    if (!SECRET_NAME.test(name)) {
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
        "No container env var with a secret-looking name (password, secret, token, api key, private key, credentials) carries a literal value; valueFrom is fine.",
    remediation:
        "store the value in a Kubernetes Secret (from the stack's encrypted config) and reference it with env.valueFrom.secretKeyRef.",
    config: { nonSecretSuffixes: NON_SECRET_SUFFIXES_SCHEMA },
    checkPod: ({ spec, config, violation }) => {
        const suffixes = suffixesOf(config);
        for (const c of containersOf(spec)) {
            for (const e of arrayOf(c.container.env)) {
                if (typeof e.name === "string" && typeof e.value === "string" && e.value !== "" && looksSecret(e.name, suffixes)) {
                    violation(`${c.label} sets the secret-looking env var ${e.name} to a literal value.`);
                }
            }
        }
    },
});

const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export const noSecretConfigMapKeys = resourcePolicy<SecretNameConfig, ConfigMapObject>({
    name: "secrets-no-configmap-secrets",
    group: "secrets",
    severity: "critical",
    kinds: ["ConfigMap"],
    description:
        "ConfigMaps hold no secret-looking keys (password, secret, token, api key, private key, credentials) and no PEM private keys.",
    remediation: "move the value into a Kubernetes Secret and mount or reference it from there; keep only non-secret settings in the ConfigMap.",
    config: { nonSecretSuffixes: NON_SECRET_SUFFIXES_SCHEMA },
    check: ({ props, config, violation }) => {
        const suffixes = suffixesOf(config);
        for (const field of ["data", "binaryData"] as const) {
            const entries = props[field] ?? {};
            for (const key of Object.keys(entries)) {
                if (looksSecret(key, suffixes)) {
                    violation(`has the secret-looking key ${key} in ${field}.`);
                } else if (field === "data" && PRIVATE_KEY_PEM.test(String(entries[key]))) {
                    violation(`holds a PEM private key under ${key}.`);
                }
            }
        }
    },
});

export const secretPolicies: readonly ResourceValidationPolicy[] = [noLiteralSecretEnv, noSecretConfigMapKeys];
