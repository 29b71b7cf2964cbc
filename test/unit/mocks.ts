// A recording mock engine: every registered resource's inputs, by type and name, so tests can
// assert on exactly what the program asks Kubernetes for.
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export function recordResources(): { resources: Registered[]; reset(): void } {
    const resources: Registered[] = [];
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs });
                const outputs: Record<string, unknown> = { ...args.inputs };
                if (args.type === "random:index/randomPassword:RandomPassword") {
                    outputs.result = `generated-${args.name}`;
                }
                if (args.type === "docker:index/image:Image") {
                    outputs.repoDigest = `${String(args.inputs.imageName).split(":")[0]}@sha256:${"a".repeat(64)}`;
                }
                return { id: `${args.name}-id`, state: outputs };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
            },
        },
        "azora-platform",
        "unit",
        false,
    );
    return { resources, reset: () => resources.splice(0, resources.length) };
}

/** Waits for every pending registration: the mock engine resolves resources asynchronously. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export function ofType(resources: Registered[], type: string): Registered[] {
    return resources.filter((r) => r.type === type);
}

export function named(resources: Registered[], type: string, name: string): Registered {
    const found = resources.find((r) => r.type === type && r.name === name);
    if (!found) {
        const names = ofType(resources, type).map((r) => r.name);
        throw new Error(`no ${type} named ${name}; have: ${names.join(", ")}`);
    }
    return found;
}

/** Resolves a value that may hold Outputs into plain data. */
export function unwrap<T>(value: T): Promise<unknown> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v)));
}

/** The engine's marker for a secret value in serialized inputs. */
const secretSig = "4dabf18193072939515e22adb298388d";
const secretSigValue = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSig] === secretSigValue;
}

/** The plain value behind a secret marker (or the value itself when it is not secret). */
export function reveal<T = unknown>(value: unknown): T {
    return (isSecret(value) ? (value as { value: unknown }).value : value) as T;
}
