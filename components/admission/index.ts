// The security checklist enforced by the API server itself: one ValidatingAdmissionPolicy per
// CEL-expressible rule of the policy pack (rules.ts), each with a binding scoped to the platform's
// namespaces. The pack only sees what a Pulumi preview deploys; Helm, operators and `kubectl apply`
// meet these instead. GA since Kubernetes 1.30 (admissionregistration.k8s.io/v1).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { sharedLabels } from "../../model/labels";
import { childName } from "../k8s/objects";
import { type AdmissionRule, admissionRules, celString, podVariables, type RuleFacts, type RuleTarget } from "./rules";

type ValidationAction = "Deny" | "Audit" | "Warn";

export interface AdmissionArgs {
    /** Namespaces the bindings select by `kubernetes.io/metadata.name`: the platform's, never the cluster's others. */
    namespaces: readonly string[];
    /** The facts the rules share with the policy pack. */
    facts: RuleFacts;
    /** For the `azora.io/environment` label. */
    environment: string;
    /** Names of the rules to enforce (rules.ts). @default every rule */
    rules?: readonly string[];
    /**
     * What a violation does. Deny refuses the request; Audit also writes the refusal, with the rule's
     * message, to the API server's audit log, where a security review finds who tried what.
     * @default ["Deny", "Audit"]
     */
    validationActions?: readonly ValidationAction[];
}

/** The API resources each target matches: every pod-bearing kind, so a workload is refused at the workload. */
const resourceRules: Record<RuleTarget, { apiGroups: string[]; resources: string[] }[]> = {
    pods: [
        // pods/ephemeralcontainers: `kubectl debug` adds containers through that subresource.
        { apiGroups: [""], resources: ["pods", "pods/ephemeralcontainers", "podtemplates", "replicationcontrollers"] },
        { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets", "daemonsets"] },
        { apiGroups: ["batch"], resources: ["jobs", "cronjobs"] },
    ],
    services: [{ apiGroups: [""], resources: ["services"] }],
    ingresses: [{ apiGroups: ["networking.k8s.io"], resources: ["ingresses"] }],
    roles: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"] }],
    roleBindings: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"] }],
};

/** The cluster-scoped objects' names start with this, and so does every refusal (`azora-pss-no-privileged: …`). */
const policyPrefix = "azora";

/** The ValidatingAdmissionPolicy spec of one rule. */
function policySpec(rule: AdmissionRule): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec {
    const id = `${policyPrefix}-${rule.name}`;
    return {
        // Fail closed: an expression that cannot be evaluated refuses rather than waves through.
        failurePolicy: "Fail",
        matchConstraints: {
            // Namespaced only: a cluster-scoped object never matches a namespaceSelector, so without
            // this every ClusterRole of the cluster (system roles included) would meet the RBAC rules.
            resourceRules: resourceRules[rule.target].map((r) => ({
                ...r,
                apiVersions: ["*"],
                operations: ["CREATE", "UPDATE"],
                scope: "Namespaced",
            })),
        },
        variables: [...(rule.target === "pods" ? podVariables : []), { name: "violations", expression: rule.violations }],
        validations: [
            {
                expression: "variables.violations.size() == 0",
                messageExpression:
                    `${celString(`${id}: `)} + object.kind + ' ' + request.namespace + '/' + ` +
                    `object.metadata.?name.orValue(object.metadata.?generateName.orValue('')) + ': ' + ` +
                    `variables.violations.join('; ') + ${celString(`. Fix: ${rule.fix}`)}`,
                // Shown if the message expression itself fails.
                message: `${id}: refused. Fix: ${rule.fix}`,
                reason: "Forbidden",
            },
        ],
    };
}

export class Admission extends pulumi.ComponentResource {
    /** The enforced rules' names, as the refusals and the policy pack spell them. */
    readonly rules: readonly string[];

    constructor(name: string, args: AdmissionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("azora:admission:Admission", name, {}, opts);
        const owner = { parent: this, prefix: name };
        const known = admissionRules(args.facts);
        const selected = args.rules ?? Object.keys(known);
        const unknown = selected.filter((r) => !(r in known));
        if (unknown.length > 0)
            throw new Error(`admission: unknown rule(s) ${unknown.join(", ")}; known: ${Object.keys(known).join(", ")}`);
        const labels = sharedLabels("admission", args.environment);
        const validationActions = [...(args.validationActions ?? ["Deny", "Audit"])];

        for (const ruleName of selected) {
            const rule = known[ruleName];
            const id = `${policyPrefix}-${rule.name}`;
            const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
                childName(owner, rule.name),
                { metadata: { name: id, labels }, spec: policySpec(rule) },
                { parent: this },
            );
            new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
                childName(owner, `${rule.name}-binding`),
                {
                    metadata: { name: id, labels },
                    spec: {
                        // Through the policy's output, so the binding waits for its policy.
                        policyName: policy.metadata.name,
                        validationActions,
                        matchResources: {
                            namespaceSelector: {
                                matchExpressions: [
                                    { key: "kubernetes.io/metadata.name", operator: "In", values: [...args.namespaces] },
                                ],
                            },
                        },
                    },
                },
                { parent: this, dependsOn: [policy] },
            );
        }
        this.rules = selected;
        this.registerOutputs({ rules: this.rules });
    }
}
