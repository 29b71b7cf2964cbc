// The public edge on Gateway API: a Gateway whose HTTPS listener serves the cert-manager certificate, an
// HTTP listener that only redirects, one HTTPRoute per public route of the catalog, and the implementation's
// policies for limits and IP lists (Envoy Gateway). Only the catalog's public service is reachable from outside.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../../model/catalog";
import { standardLabels } from "../../model/labels";
import type { EdgeSettings } from "../config";
import { gatewayCertificate } from "./certificate";
import { EdgeControllers } from "./controllers";
import { EnvoyGateway, gatewayInfrastructure } from "./envoy-gateway";
import { edgeRoutes, gatewayApiVersion, type GatewayIdentity, gatewaySpec, publicRouteSpec, redirectRouteSpec } from "./gateway-api";

export { securityHeaders } from "./gateway-api";

export interface EdgeArgs {
    settings: EdgeSettings;
    /** Namespace of the Gateway, its routes, policies and certificate: the services' (routes reach the gateway Service there). */
    namespace: string;
    environment: string;
    /** The catalog's public service; its `publicRoutes` become the HTTPRoutes. */
    gateway: ServiceSpec;
}

export class Edge extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly host: string;
    /** The controllers this program installs (edge.installController), or none: what uses their namespaces waits for them. */
    readonly controllers: pulumi.Resource[];

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:edge:Edge", name, {}, opts);
        const child = { parent: this };
        const s = args.settings;
        const namespace = args.namespace;
        const labels = standardLabels({ name: "edge", component: "edge", environment: args.environment });
        this.host = `api.${s.domain}`;

        // Every edge object is named after the catalog's public service, so a renamed gateway renames its edge;
        // the Platform names this component after it too, so logical names read <component>-<role>.
        const g: GatewayIdentity = {
            name: args.gateway.name,
            host: this.host,
            className: s.gatewayClassName,
            tlsSecret: s.tls.issuer === "external" ? s.tls.secretName : `${args.gateway.name}-tls`,
        };
        const routes = edgeRoutes(args.gateway, s.routes);

        const controllers = s.installController ? [new EdgeControllers(`${name}-controllers`, { settings: s, labels }, child)] : [];
        const installed = controllers.flatMap((c) => c.ready);
        this.controllers = controllers;
        const implementation = new EnvoyGateway(
            `${name}-envoy`,
            { gateway: g, namespace, labels, routes, settings: s },
            { ...child, dependsOn: installed },
        );
        const certificate =
            s.tls.issuer === "external"
                ? []
                : [gatewayCertificate(name, this, { tls: s.tls, gateway: g, namespace, labels, dependsOn: installed })];

        const object = (logical: string, kind: string, objectName: string, spec: Record<string, unknown>, dependsOn: pulumi.Resource[]) =>
            new k8s.apiextensions.CustomResource(
                logical,
                { apiVersion: gatewayApiVersion, kind, metadata: { name: objectName, namespace, labels }, spec },
                { ...child, dependsOn },
            );
        const gatewayObject = object(name, "Gateway", g.name, gatewaySpec(g, gatewayInfrastructure(g.name)), [
            implementation.gatewayClass,
            implementation.proxy,
            ...certificate,
        ]);
        object(`${name}-http-redirect`, "HTTPRoute", `${g.name}-http-redirect`, redirectRouteSpec(g), [gatewayObject]);
        for (const route of routes) {
            object(`${name}-${route.name}`, "HTTPRoute", route.objectName, publicRouteSpec(g, route, args.gateway, s), [gatewayObject]);
        }

        this.url = pulumi.output(`https://${this.host}`);
        this.registerOutputs({ url: this.url });
    }
}
