// Kubernetes resource quantities as numbers: the one parser the sizing, the memory alerts and the
// dashboards' limit lines share.

const suffixFactors: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

const quantityPattern = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The value of a quantity such as `250m`, `1.5`, `512Mi` or `2G`, in base units. */
function quantityValue(quantity: string): number {
    const m = quantityPattern.exec(quantity);
    if (!m) throw new Error(`"${quantity}" is not a Kubernetes quantity such as 250m, 512Mi or 2Gi`);
    return Number(m[1]) * (suffixFactors[m[2] ?? ""] ?? 1);
}

/** Bytes of a memory quantity such as `512Mi`, `1Gi` or `1.5G`, rounded to a whole byte. */
export function memoryBytes(quantity: string): number {
    return Math.round(quantityValue(quantity));
}

/** A byte count as a quantity: whole mebibytes as `<n>Mi` (how the stack files write sizes), else bytes. */
export function bytesQuantity(bytes: number): string {
    const mebibytes = bytes / 2 ** 20;
    return Number.isInteger(mebibytes) ? `${mebibytes}Mi` : String(Math.round(bytes));
}
