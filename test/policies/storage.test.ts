import { describe, expect, it } from "vitest";

import { noHostPathPersistentVolumes } from "../../policies/rules/storage";
import { persistentVolume } from "./fixtures";
import { PolicyConfigFile, problems } from "./harness";

const CAPACITY = { capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"] };

describe("storage-no-host-path-persistent-volumes", () => {
    it("passes a CSI volume", async () => {
        const pv = persistentVolume("data", { ...CAPACITY, csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-1" } });
        expect(await problems(noHostPathPersistentVolumes, pv)).toEqual([]);
    });

    it("reports a hostPath volume", async () => {
        const pv = persistentVolume("node-root", { ...CAPACITY, hostPath: { path: "/" } });
        expect(await problems(noHostPathPersistentVolumes, pv)).toEqual([
            "PersistentVolume node-root: is a hostPath volume at /.",
        ]);
    });

    it("reports a local volume", async () => {
        const pv = persistentVolume("fast-disk", { ...CAPACITY, local: { path: "/mnt/disks/ssd1" } });
        expect(await problems(noHostPathPersistentVolumes, pv)).toEqual([
            "PersistentVolume fast-disk: is a local volume at /mnt/disks/ssd1.",
        ]);
    });

    it("honours an exemption that names the volume and says why", async () => {
        const pv = persistentVolume("fast-disk", { ...CAPACITY, local: { path: "/mnt/disks/ssd1" } });
        const config: PolicyConfigFile = {
            "storage-no-host-path-persistent-volumes": {
                exemptions: [{ resource: "PersistentVolume/fast-disk", reason: "the node's NVMe scratch disk" }],
            },
        };
        expect(await problems(noHostPathPersistentVolumes, pv, config)).toEqual([]);
    });
});
