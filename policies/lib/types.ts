// The @pulumi/policy types the pack is written against, re-exported so that tests type-check
// against the same copy of the SDK the pack resolves (policies/node_modules).
export type {
    EnforcementLevel,
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
export type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
