// Entry point: validated config and the catalog in, the platform out. Nothing else lives here.
import * as pulumi from "@pulumi/pulumi";
import { catalog, validateCatalog } from "./model/catalog";
import { ConfigError, loadPlatformConfig } from "./components/config";
import { Platform } from "./components/platform";

function load() {
    const problems = validateCatalog(catalog);
    if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
    try {
        return loadPlatformConfig(catalog);
    } catch (e) {
        // RunError prints the message alone: the problems list is the whole story, not a stack trace.
        if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
        throw e;
    }
}

const config = load();
const platform = new Platform("azora", { settings: config.settings, services: catalog });

export const environment = config.settings.environment;
export const gatewayUrl = platform.gatewayUrl;
export const namespaces = platform.namespaces;
export const serviceEndpoints = platform.serviceEndpoints;
export const grafanaUrl = platform.observability.grafanaUrl;
export const prometheusUrl = platform.observability.prometheusUrl;
export const alertmanagerUrl = platform.observability.alertmanagerUrl;
export const jaegerUrl = platform.observability.jaegerUrl;
export const grafanaAdminPassword = platform.observability.grafanaAdminPassword;
const k = config.settings.kubernetes;
/** Where this stack's objects go: a render directory (local) or a kubeconfig context. */
export const target = k.renderDirectory ? `rendered to ${k.renderDirectory}` : `kube context ${k.context ?? "(kubeconfig default)"}`;
