// Runbook text shared by every part: how to read the alert's labels into shell variables.
import { defaultNamespaces } from "../../model/namespaces";

export const obsNs = defaultNamespaces.observability;
export const svcNs = defaultNamespaces.services;

export const fromAlert =
    "Set «JOB», «NS» and, when the alert has one, «POD» from the alert's «job», «namespace» and «pod» labels " +
    `(the namespaces default to «${svcNs}» for services and «${obsNs}» for the stack; see «namespaces» in the ` +
    "stack file).";
