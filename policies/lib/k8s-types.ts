// Minimal, read-only views of the Kubernetes objects the pack inspects.
//
// The pack deliberately does not depend on @pulumi/kubernetes: it reads the raw resource
// properties the engine hands it (`args.props` / `resource.props`) and recognises kinds by their
// Pulumi type token (`kubernetes:<group>/<version>:<Kind>`). Every field is optional because the
// pack must cope with whatever a program sends, including malformed objects.

export type Labels = Readonly<Record<string, string>>;

interface ObjectMeta {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Labels;
    readonly annotations?: Labels;
}

interface LabelSelectorRequirement {
    readonly key?: string;
    readonly operator?: string;
    readonly values?: readonly string[];
}

export interface LabelSelector {
    readonly matchLabels?: Labels;
    readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

interface SeccompProfile {
    readonly type?: string;
    readonly localhostProfile?: string;
}

interface SELinuxOptions {
    readonly type?: string;
    readonly user?: string;
    readonly role?: string;
    readonly level?: string;
}

interface AppArmorProfile {
    readonly type?: string;
    readonly localhostProfile?: string;
}

interface WindowsOptions {
    readonly hostProcess?: boolean;
}

/** The security options a pod and its containers share. */
interface CommonSecurityContext {
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
    readonly runAsGroup?: number;
    readonly seccompProfile?: SeccompProfile;
    readonly seLinuxOptions?: SELinuxOptions;
    readonly appArmorProfile?: AppArmorProfile;
    readonly windowsOptions?: WindowsOptions;
}

interface Capabilities {
    readonly add?: readonly string[];
    readonly drop?: readonly string[];
}

export interface SecurityContext extends CommonSecurityContext {
    readonly privileged?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly capabilities?: Capabilities;
    readonly procMount?: string;
}

interface Sysctl {
    readonly name?: string;
    readonly value?: string;
}

export interface PodSecurityContext extends CommonSecurityContext {
    readonly fsGroup?: number;
    readonly supplementalGroups?: readonly number[];
    readonly sysctls?: readonly Sysctl[];
}

interface KeyReference {
    readonly name?: string;
    readonly key?: string;
}

interface EnvVar {
    readonly name?: string;
    readonly value?: string;
    readonly valueFrom?: {
        readonly secretKeyRef?: KeyReference;
        readonly configMapKeyRef?: KeyReference;
        readonly fieldRef?: Readonly<Record<string, unknown>>;
        readonly resourceFieldRef?: Readonly<Record<string, unknown>>;
    };
}

interface EnvFromSource {
    readonly prefix?: string;
    readonly secretRef?: { readonly name?: string };
    readonly configMapRef?: { readonly name?: string };
}

interface ContainerPort {
    readonly name?: string;
    readonly containerPort?: number;
    readonly hostPort?: number;
    readonly protocol?: string;
}

interface VolumeMount {
    readonly name?: string;
    readonly mountPath?: string;
    readonly readOnly?: boolean;
}

export type Quantity = string | number;

interface ResourceRequirements {
    readonly requests?: Readonly<Record<string, Quantity>>;
    readonly limits?: Readonly<Record<string, Quantity>>;
}

/** The handler of a probe or a lifecycle hook; `host` makes the kubelet connect elsewhere than the pod. */
interface HandlerTarget extends Readonly<Record<string, unknown>> {
    readonly host?: string;
}

export interface LifecycleHandler {
    readonly httpGet?: HandlerTarget;
    readonly tcpSocket?: HandlerTarget;
    readonly exec?: Readonly<Record<string, unknown>>;
}

export interface Probe {
    readonly httpGet?: HandlerTarget;
    readonly tcpSocket?: HandlerTarget;
    readonly exec?: Readonly<Record<string, unknown>>;
    readonly grpc?: Readonly<Record<string, unknown>>;
    readonly initialDelaySeconds?: number;
    readonly periodSeconds?: number;
    readonly failureThreshold?: number;
}

export interface Container {
    readonly name?: string;
    readonly image?: string;
    readonly env?: readonly EnvVar[];
    readonly envFrom?: readonly EnvFromSource[];
    /** `Always` on an initContainer makes it a native sidecar. */
    readonly restartPolicy?: string;
    readonly ports?: readonly ContainerPort[];
    readonly volumeMounts?: readonly VolumeMount[];
    readonly resources?: ResourceRequirements;
    readonly securityContext?: SecurityContext;
    readonly readinessProbe?: Probe;
    readonly livenessProbe?: Probe;
    readonly startupProbe?: Probe;
    readonly lifecycle?: { readonly postStart?: LifecycleHandler; readonly preStop?: LifecycleHandler };
}

/** A volume: its name plus exactly one volume-source key (configMap, hostPath, …). */
type Volume = Readonly<Record<string, unknown>> & { readonly name?: string };

interface TopologySpreadConstraint {
    readonly maxSkew?: number;
    readonly topologyKey?: string;
    readonly whenUnsatisfiable?: string;
    readonly labelSelector?: LabelSelector;
}

export interface PodSpec {
    /** false runs the pod in its own user namespace. */
    readonly hostUsers?: boolean;
    readonly containers?: readonly Container[];
    readonly initContainers?: readonly Container[];
    readonly ephemeralContainers?: readonly Container[];
    readonly volumes?: readonly Volume[];
    readonly securityContext?: PodSecurityContext;
    readonly hostNetwork?: boolean;
    readonly hostPID?: boolean;
    readonly hostIPC?: boolean;
    readonly serviceAccountName?: string;
    /** Deprecated alias of serviceAccountName; still honoured by the API server. */
    readonly serviceAccount?: string;
    readonly automountServiceAccountToken?: boolean;
    readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
}

export interface PodTemplateSpec {
    readonly metadata?: ObjectMeta;
    readonly spec?: PodSpec;
}

export interface WorkloadSpec {
    readonly replicas?: number;
    /** StatefulSet: the governing (headless) Service. */
    readonly serviceName?: string;
    readonly selector?: LabelSelector;
    readonly template?: PodTemplateSpec;
    readonly jobTemplate?: { readonly spec?: { readonly template?: PodTemplateSpec } };
}

export interface KubeObject {
    readonly apiVersion?: string;
    readonly kind?: string;
    readonly metadata?: ObjectMeta;
}

interface ServicePort {
    readonly name?: string;
    readonly port?: number;
    readonly targetPort?: number | string;
    readonly nodePort?: number;
}

export interface ServiceSpec {
    readonly type?: string;
    readonly clusterIP?: string;
    readonly externalIPs?: readonly string[];
    readonly selector?: Labels;
    readonly ports?: readonly ServicePort[];
}

// Gateway API (gateway.networking.k8s.io, standard channel v1.6) and Envoy Gateway
// (gateway.envoyproxy.io/v1alpha1, v1.9): only the fields the edge rules read.

/** A reference to a Gateway API object; group, kind and namespace default per field. */
interface ObjectReference {
    readonly group?: string;
    readonly kind?: string;
    readonly namespace?: string;
    readonly name?: string;
}

/** A route's parentRef: the Gateway (default kind) it attaches to, optionally one listener or port. */
export interface ParentReference extends ObjectReference {
    readonly sectionName?: string;
    readonly port?: number;
}

interface ListenerTLSConfig {
    /** Terminate (the default) or Passthrough. */
    readonly mode?: string;
    readonly certificateRefs?: readonly ObjectReference[];
    readonly options?: Readonly<Record<string, string>>;
}

interface AllowedRoutes {
    /** from: Same (the default), All or Selector. */
    readonly namespaces?: { readonly from?: string; readonly selector?: LabelSelector };
    readonly kinds?: readonly { readonly group?: string; readonly kind?: string }[];
}

export interface Listener {
    readonly name?: string;
    readonly hostname?: string;
    readonly port?: number;
    /** HTTP, HTTPS, TLS, TCP or UDP. */
    readonly protocol?: string;
    readonly tls?: ListenerTLSConfig;
    readonly allowedRoutes?: AllowedRoutes;
}

/** The spec of a Gateway, and of a ListenerSet (whose listeners join its parent Gateway). */
export interface GatewaySpec {
    readonly gatewayClassName?: string;
    readonly listeners?: readonly Listener[];
}

export interface BackendRef extends ObjectReference {
    readonly port?: number;
}

interface RouteFilter {
    /** RequestRedirect, RequestMirror, URLRewrite, RequestHeaderModifier, ResponseHeaderModifier, CORS, ExtensionRef… */
    readonly type?: string;
    readonly requestRedirect?: { readonly scheme?: string; readonly statusCode?: number };
    readonly requestMirror?: { readonly backendRef?: BackendRef };
}

export interface RouteRule {
    readonly name?: string;
    readonly filters?: readonly RouteFilter[];
    readonly backendRefs?: readonly BackendRef[];
}

/** The spec of every route kind (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute). */
export interface RouteSpec {
    readonly parentRefs?: readonly ParentReference[];
    readonly hostnames?: readonly string[];
    readonly rules?: readonly RouteRule[];
}

/** A policy's targetRef: a local (same-namespace) object, optionally one of its sections (listener, route rule). */
export interface PolicyTargetReference {
    readonly group?: string;
    readonly kind?: string;
    readonly name?: string;
    readonly sectionName?: string;
}

export interface TargetSelector extends LabelSelector {
    readonly group?: string;
    readonly kind?: string;
}

/** How an Envoy Gateway policy names what it applies to (targetRef is the deprecated single form). */
interface PolicyTargets {
    readonly targetRef?: PolicyTargetReference;
    readonly targetRefs?: readonly PolicyTargetReference[];
    readonly targetSelectors?: readonly TargetSelector[];
}

interface RateLimitRules {
    readonly rules?: readonly Readonly<Record<string, unknown>>[];
}

export interface BackendTrafficPolicySpec extends PolicyTargets {
    /** StrategicMerge or JSONMerge: merged into the parent (Gateway or listener) policy instead of replacing it. */
    readonly mergeType?: string;
    readonly rateLimit?: { readonly type?: string; readonly local?: RateLimitRules; readonly global?: RateLimitRules };
}

export interface ClientTrafficPolicySpec extends PolicyTargets {
    /** minVersion and maxVersion: Auto, 1.0, 1.1, 1.2 or 1.3. */
    readonly tls?: { readonly minVersion?: string; readonly maxVersion?: string };
}

export interface PolicyRule {
    readonly apiGroups?: readonly string[];
    readonly resources?: readonly string[];
    readonly resourceNames?: readonly string[];
    readonly verbs?: readonly string[];
    readonly nonResourceURLs?: readonly string[];
}

interface Subject {
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
}

interface RoleRef {
    readonly apiGroup?: string;
    readonly kind?: string;
    readonly name?: string;
}

interface NetworkPolicyRule {
    readonly from?: readonly Readonly<Record<string, unknown>>[];
    readonly to?: readonly Readonly<Record<string, unknown>>[];
    readonly ports?: readonly Readonly<Record<string, unknown>>[];
}

export interface NetworkPolicySpec {
    readonly podSelector?: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly NetworkPolicyRule[];
    readonly egress?: readonly NetworkPolicyRule[];
}

export interface PodDisruptionBudgetSpec {
    readonly minAvailable?: number | string;
    readonly maxUnavailable?: number | string;
    readonly selector?: LabelSelector;
}

interface CrossVersionObjectReference {
    readonly apiVersion?: string;
    readonly kind?: string;
    readonly name?: string;
}

export interface HorizontalPodAutoscalerSpec {
    readonly scaleTargetRef?: CrossVersionObjectReference;
    readonly minReplicas?: number;
    readonly maxReplicas?: number;
}

export interface ServiceAccountObject extends KubeObject {
    readonly automountServiceAccountToken?: boolean;
}

export interface ConfigMapObject extends KubeObject {
    readonly data?: Readonly<Record<string, string>>;
    readonly binaryData?: Readonly<Record<string, string>>;
}

export interface RoleObject extends KubeObject {
    readonly rules?: readonly PolicyRule[];
}

export interface BindingObject extends KubeObject {
    readonly roleRef?: RoleRef;
    readonly subjects?: readonly Subject[];
}

export interface SecretObject extends KubeObject {
    readonly type?: string;
}

/** A PersistentVolume: its capacity and exactly one volume-source key (csi, hostPath, local, nfs, …). */
export interface PersistentVolumeObject extends KubeObject {
    readonly spec?: Readonly<Record<string, unknown>>;
}

/** A core/v1 PodTemplate: the template sits at the top level. */
export interface PodTemplateObject extends KubeObject {
    readonly template?: PodTemplateSpec;
}

export interface WithSpec<S> extends KubeObject {
    readonly spec?: S;
}
