// Secret key names more than one part of the program reads, and where a service container finds its
// secrets: as read-only files, never as environment values (an env value shows in `kubectl describe`,
// in crash dumps and in every child process). The services' generated Secret holds the database keys
// beside the catalog's own generated secrets; the migration Job reads them as files like the service,
// and the backup Job hands the password file to pg_dump.

/** Where a service container's Secrets are mounted: one directory per Secret, one file per key. */
export const serviceSecretsDirectory = "/var/run/secrets/azora";

/** The file holding `key` of the Secret `secretName`. */
export function secretFilePath(secretName: string, key: string): string {
    return `${serviceSecretsDirectory}/${secretName}/${key}`;
}

/** The `*_FILE` convention: the variable `<KEY>_FILE` names the file that holds the secret `<KEY>`. */
export function secretFileEnvName(key: string): string {
    return `${key}_FILE`;
}

export const databaseSecretKeys = {
    password: "DATABASE_PASSWORD",
    url: "DATABASE_URL",
} as const;

/** Key of the Slack webhook URL in its Secret, created or existing (`existingSecret` must have it). */
export const slackSecretKey = "url";

/**
 * Keys of the escalation Secret (PagerDuty, Opsgenie, webhook credentials), created from the stack's
 * `secrets.alerting` or named by `observability.alertmanager.escalation.existingSecret`. Alertmanager
 * reads each one from a file (`routing_key_file`, `api_key_file`, `credentials_file`), so no credential
 * is ever in alertmanager.yml's ConfigMap.
 */
export const escalationSecretKeys = {
    pagerdutyRoutingKey: "pagerduty-routing-key",
    opsgenieApiKey: "opsgenie-api-key",
    webhookBearerToken: "webhook-bearer-token",
} as const;

export type EscalationSecretKey = (typeof escalationSecretKeys)[keyof typeof escalationSecretKeys];

/** Where Alertmanager finds the escalation Secret's keys, one file per key. */
export const escalationSecretsDirectory = "/etc/alertmanager/secrets/escalation";

/**
 * Keys of the remote-write Secret, created from the stack's `secrets.remoteWrite`: Prometheus reads
 * the basic-auth password (`password_file`) or the bearer token (`authorization.credentials_file`)
 * from a file, so no credential is in prometheus.yml's ConfigMap.
 */
export const remoteWriteSecretKeys = {
    password: "password",
    bearerToken: "bearer-token",
} as const;

/** Where Prometheus finds the remote-write Secret's keys, one file per key. */
export const remoteWriteSecretsDirectory = "/etc/prometheus/secrets/remote-write";

/** The Secret key holding a `keepPrevious` key's value from before the last rotation. */
export function previousKey(key: string): string {
    return `${key}_PREVIOUS`;
}
