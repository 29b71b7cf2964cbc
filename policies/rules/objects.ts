// Objects the API server would refuse however correct their content: a ConfigMap holds at most 1 MiB
// of data. Generated rule files and dashboards grow with the service catalog, so the limit is checked
// at preview instead of surfacing as a failed apply halfway through an update. Secrets are left out:
// their generated values are unknown at preview, and the engine reports reading one as a violation.
import type { ResourceValidationPolicy } from "@pulumi/policy";

import type { ConfigMapObject } from "../lib/k8s";
import { BaseConfig, resourcePolicy } from "../lib/policy";

/** The API server's limit on a ConfigMap's data (keys and values). */
export const DATA_LIMIT_BYTES = 1024 * 1024;

const utf8 = (s: string): number => Buffer.byteLength(s, "utf8");
const base64Decoded = (s: string): number => Buffer.from(s, "base64").length;

function mapBytes(map: Readonly<Record<string, string>> | undefined, valueBytes: (v: string) => number): number {
    let total = 0;
    for (const [key, value] of Object.entries(map ?? {})) {
        total += utf8(key) + (typeof value === "string" ? valueBytes(value) : 0);
    }
    return total;
}

/** Data bytes as the API server counts them: `data` as UTF-8, `binaryData` decoded. */
function configMapBytes(props: ConfigMapObject): number {
    return mapBytes(props.data, utf8) + mapBytes(props.binaryData, base64Decoded);
}

function mib(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export const dataWithinApiLimit = resourcePolicy<BaseConfig, ConfigMapObject>({
    name: "objects-data-within-api-limit",
    group: "objects",
    severity: "high",
    kinds: ["ConfigMap"],
    description: "ConfigMaps hold at most 1 MiB of data, the API server's limit, so the update cannot fail at apply.",
    remediation:
        "split the data across several ConfigMaps (one per rule file or dashboard) or make it smaller; generated rules and dashboards grow with the service catalog.",
    check: ({ props, violation }) => {
        const bytes = configMapBytes(props);
        if (bytes > DATA_LIMIT_BYTES) {
            violation(`holds ${mib(bytes)} of data, over the API server's limit of 1 MiB.`);
        }
    },
});

export const objectPolicies: readonly ResourceValidationPolicy[] = [dataWithinApiLimit];
