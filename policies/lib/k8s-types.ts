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

interface Capabilities {
    readonly add?: readonly string[];
    readonly drop?: readonly string[];
}

export interface SecurityContext {
    readonly privileged?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
    readonly runAsGroup?: number;
    readonly readOnlyRootFilesystem?: boolean;
    readonly capabilities?: Capabilities;
    readonly seccompProfile?: SeccompProfile;
    readonly procMount?: string;
}

interface Sysctl {
    readonly name?: string;
    readonly value?: string;
}

export interface PodSecurityContext {
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
    readonly runAsGroup?: number;
    readonly fsGroup?: number;
    readonly supplementalGroups?: readonly number[];
    readonly seccompProfile?: SeccompProfile;
    readonly sysctls?: readonly Sysctl[];
}

interface EnvVar {
    readonly name?: string;
    readonly value?: string;
    readonly valueFrom?: Readonly<Record<string, unknown>>;
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

interface Probe {
    readonly httpGet?: Readonly<Record<string, unknown>>;
    readonly tcpSocket?: Readonly<Record<string, unknown>>;
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
    readonly ports?: readonly ContainerPort[];
    readonly volumeMounts?: readonly VolumeMount[];
    readonly resources?: ResourceRequirements;
    readonly securityContext?: SecurityContext;
    readonly readinessProbe?: Probe;
    readonly livenessProbe?: Probe;
    readonly startupProbe?: Probe;
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
    readonly selector?: Labels;
    readonly ports?: readonly ServicePort[];
}

interface IngressTLS {
    readonly hosts?: readonly string[];
    readonly secretName?: string;
}

interface IngressRule {
    readonly host?: string;
}

export interface IngressSpec {
    readonly tls?: readonly IngressTLS[];
    readonly rules?: readonly IngressRule[];
}

export interface PolicyRule {
    readonly apiGroups?: readonly string[];
    readonly resources?: readonly string[];
    readonly resourceNames?: readonly string[];
    readonly verbs?: readonly string[];
    readonly nonResourceURLs?: readonly string[];
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
}

export interface WithSpec<S> extends KubeObject {
    readonly spec?: S;
}
