// Objects the API server would refuse however correct their content: a ConfigMap or Secret holds at
// most 1 MiB of data. Generated rule files and dashboards grow with the service catalog, so the
// limit is checked at preview instead of surfacing as a failed apply halfway through an update.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import type { ConfigMapObject, SecretObject } from "../lib/k8s";
import { BaseConfig, resourcePolicy } from "../lib/policy";

/** The API server's limit on a ConfigMap's or Secret's data (keys and values). */
export const DATA_LIMIT_BYTES = 1024 * 1024;

const utf8 = (s: string): number => Buffer.byteLength(s, "utf8");
const base64Decoded = (s: string): number => Buffer.from(s, "base64").length;

/** Bytes of one data map; values not known at preview (outputs, secrets) are not counted. */
function mapBytes(map: Readonly<Record<string, unknown>> | undefined, valueBytes: (v: string) => number): number {
    let total = 0;
    for (const [key, value] of Object.entries(map ?? {})) {
        total += utf8(key) + (typeof value === "string" ? valueBytes(value) : 0);
    }
    return total;
}

/** Data bytes as the API server counts them: ConfigMap data + binaryData, Secret data + stringData. */
export function dataBytes(kind: "ConfigMap" | "Secret", props: ConfigMapObject | SecretObject): number {
    if (kind === "ConfigMap") {
        const cm = props as ConfigMapObject;
        return mapBytes(cm.data, utf8) + mapBytes(cm.binaryData, base64Decoded);
    }
    const secret = props as SecretObject;
    return mapBytes(secret.data, base64Decoded) + mapBytes(secret.stringData, utf8);
}

function mib(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export const dataWithinApiLimit = resourcePolicy<BaseConfig, ConfigMapObject | SecretObject>({
    name: "objects-data-within-api-limit",
    group: "objects",
    severity: "high",
    kinds: ["ConfigMap", "Secret"],
    description: "ConfigMaps and Secrets hold at most 1 MiB of data, the API server's limit, so the update cannot fail at apply.",
    remediation:
        "split the data across several objects (one per rule file or dashboard) or make it smaller; generated rules and dashboards grow with the service catalog.",
    check: ({ kind, props, violation }) => {
        if (kind !== "ConfigMap" && kind !== "Secret") return;
        const bytes = dataBytes(kind, props);
        if (bytes > DATA_LIMIT_BYTES) {
            violation(`holds ${mib(bytes)} of data, over the API server's limit of 1 MiB.`);
        }
    },
});

export const objectPolicies: readonly ResourceValidationPolicy[] = [dataWithinApiLimit];
