// The engine floor: every object the local stack renders, registered through one flat ConfigGroup.
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";

const provider = new k8s.Provider("kubernetes", { renderYamlToDirectory: "rendered/floor", enableServerSideApply: true });
new k8s.yaml.v2.ConfigGroup("all", { files: [path.join(__dirname, "objects", "*.yaml")] }, { provider });
