// Every policy of the pack, grouped by area. The order is the order the engine reports them in.
import type { Policies } from "@pulumi/policy";

import { availabilityPolicies } from "./availability";
import { containerPolicies } from "./container";
import { edgePolicies } from "./edge";
import { imagePolicies } from "./images";
import { networkingPolicies } from "./networking";
import { objectPolicies } from "./objects";
import { podSecurityPolicies } from "./pod-security";
import { probePolicies } from "./probes";
import { rbacPolicies } from "./rbac";
import { secretPolicies } from "./secrets";
import { serviceAccountPolicies } from "./service-accounts";
import { storagePolicies } from "./storage";

export const allPolicies: Policies = [
    ...podSecurityPolicies,
    ...containerPolicies,
    ...imagePolicies,
    ...probePolicies,
    ...serviceAccountPolicies,
    ...secretPolicies,
    ...networkingPolicies,
    ...edgePolicies,
    ...rbacPolicies,
    ...storagePolicies,
    ...availabilityPolicies,
    ...objectPolicies,
];
