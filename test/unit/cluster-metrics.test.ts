// What kube-state-metrics is asked to export for the Job alerts, and the label names it exports.
import { describe, expect, it } from "vitest";
import { jobRoleLabel, kubeStateMetricsLabel, kubeStateMetricsLabelsAllowlistFlag } from "../../model/cluster-metrics";

describe("kube-state-metrics labels for the Job alerts", () => {
    it("allows the role and name labels of Jobs and CronJobs, in the flag's kind=[label,...] syntax", () => {
        expect(kubeStateMetricsLabelsAllowlistFlag()).toBe(
            "jobs=[azora.io/job-role,app.kubernetes.io/name],cronjobs=[azora.io/job-role,app.kubernetes.io/name]",
        );
    });

    it("names an exported label label_ and the key with dots, slashes and dashes as underscores", () => {
        expect(kubeStateMetricsLabel(jobRoleLabel)).toBe("label_azora_io_job_role");
        expect(kubeStateMetricsLabel("app.kubernetes.io/name")).toBe("label_app_kubernetes_io_name");
    });
});
