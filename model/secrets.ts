// Secret key names more than one part of the program reads: the services' generated Secret holds
// these beside the catalog's own generated secrets, the migration Job reads them as environment
// variables and the backup Job maps the password to PGPASSWORD.

export const databaseSecretKeys = {
    password: "DATABASE_PASSWORD",
    url: "DATABASE_URL",
} as const;

/** Key of the Slack webhook URL in its Secret, created or existing (`existingSecret` must have it). */
export const slackSecretKey = "url";
