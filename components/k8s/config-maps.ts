// ConfigMaps that grow with the catalog (rule files, dashboards) must stay under the API server's
// object limit: the budget, and the packing of many files into as few ConfigMaps as fit it.

/**
 * Data one ConfigMap may carry. The API server refuses objects over 1 MiB; the rest is headroom for
 * keys and metadata. Generated rule files are split and packed to stay under it.
 */
export const configMapDataBudgetBytes = 900 * 1024;

/**
 * Files packed into as few ConfigMap data maps as fit `budgetBytes` of values each (largest first,
 * first fit; keys sorted), so a growing catalog adds ConfigMaps instead of outgrowing one.
 */
export function packFiles(files: Record<string, string>, budgetBytes = configMapDataBudgetBytes): Record<string, string>[] {
    const sized = Object.entries(files)
        .map(([name, text]) => ({ name, text, size: Buffer.byteLength(text, "utf8") }))
        .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
    const bins: Array<{ used: number; names: string[] }> = [];
    for (const f of sized) {
        if (f.size > budgetBytes)
            throw new Error(`${f.name}: ${f.size} bytes do not fit one ConfigMap (${budgetBytes} bytes of data)`);
        let bin = bins.find((b) => b.used + f.size <= budgetBytes);
        if (!bin) {
            bin = { used: 0, names: [] };
            bins.push(bin);
        }
        bin.used += f.size;
        bin.names.push(f.name);
    }
    return bins.map((b) => Object.fromEntries(b.names.sort().map((n) => [n, files[n]])));
}
