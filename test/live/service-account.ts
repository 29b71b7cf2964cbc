// The files the kubelet mounts into a pod at /var/run/secrets/kubernetes.io/serviceaccount, for a
// process run outside the cluster: a placeholder token and a throw-away self-signed CA (openssl),
// enough for Prometheus to load the jobs that name them.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/** token and ca.crt, the CA's key and certificate written under `workDir`. */
export function serviceAccountFiles(workDir: string): Record<string, string> {
    const key = path.join(workDir, "ca.key");
    const cert = path.join(workDir, "ca.pem");
    execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"].concat([
            "-subj",
            "/CN=azora-live-ca",
            "-keyout",
            key,
            "-out",
            cert,
        ]),
        { stdio: "ignore" },
    );
    return { token: "azora-live-token", "ca.crt": readFileSync(cert, "utf8") };
}
