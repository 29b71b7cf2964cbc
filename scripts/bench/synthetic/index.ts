// The real program's composition (index.ts) over a synthetic catalog of `bench:services` entries.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadPlatformConfig } from "../../../components/config";
import { Platform } from "../../../components/platform";
import { syntheticCatalog } from "../synthetic-catalog";

const services = syntheticCatalog(new pulumi.Config("bench").requireNumber("services"));
function load() {
    try {
        return loadPlatformConfig(services);
    } catch (e) {
        if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
        throw e;
    }
}
const config = load();
const platform = new Platform("azora", { settings: config.settings, services });

export const serviceCount = services.length;
export const gatewayUrl = platform.gatewayUrl;
export const namespaces = platform.namespaces;
export const serviceEndpoints = platform.serviceEndpoints;
export const grafanaUrl = platform.observability.grafanaUrl;
export const grafanaAdminPassword = platform.observability.grafanaAdminPassword;
