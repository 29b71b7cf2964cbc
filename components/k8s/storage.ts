// The data volume of a single-writer workload (Prometheus, Loki, Grafana, Jaeger, Alertmanager):
// a volume claim template when persistence is on, else a size-limited emptyDir.
import type * as k8s from "@pulumi/kubernetes";

type Volume = k8s.types.input.core.v1.Volume;
type PersistentVolumeClaim = k8s.types.input.core.v1.PersistentVolumeClaim;

/** Mirrors a persistence block of the stack file (observability.<component>.persistence). */
export interface Persistence {
    enabled: boolean;
    size: string;
    storageClassName?: string;
}

/** The data volume of a single-writer workload: a claim template when persistent, else emptyDir. */
export function dataStorage(
    volumeName: string,
    persistence: Persistence,
    labels: Record<string, string>,
): { volumes: Volume[]; claimTemplates: PersistentVolumeClaim[] } {
    if (!persistence.enabled) {
        return { volumes: [{ name: volumeName, emptyDir: { sizeLimit: persistence.size } }], claimTemplates: [] };
    }
    return {
        volumes: [],
        claimTemplates: [
            {
                metadata: { name: volumeName, labels },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(persistence.storageClassName ? { storageClassName: persistence.storageClassName } : {}),
                    resources: { requests: { storage: persistence.size } },
                },
            },
        ],
    };
}
