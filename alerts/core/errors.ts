// The one error the alerts raise: everything wrong with the inputs or the generated rules, listed,
// so a failing deploy or test says all there is to fix at once.
export class AlertInputsError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid alert inputs:\n  - ${problems.join("\n  - ")}`);
        this.name = "AlertInputsError";
    }
}
