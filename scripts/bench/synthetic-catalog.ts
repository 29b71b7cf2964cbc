// Synthetic catalogs of any size with the real catalog's shape, for `make bench`.
// Services are cloned from the real catalog in blocks of ten: block b holds `<name>-b<b>` for every
// real entry (a partial last block takes the first entries), ports are 4000 + index, and each
// clone's calls are re-pointed at the same-named services of its own block (calls to services the
// partial block lacks are dropped). Exactly one service is public: block 0's gateway, which also
// calls every other block's (private) gateway, so the whole graph hangs off one edge, like the real one.
import { catalog, type ServiceSpec, validateCatalog } from "../../model/catalog";

const gatewayName = catalog.find((s) => s.public)?.name ?? "api-gateway";

export function syntheticName(realName: string, block: number): string {
    return `${realName}-b${block}`;
}

export function syntheticCatalog(count: number): ServiceSpec[] {
    if (!Number.isInteger(count) || count < 1) throw new Error(`synthetic catalog: count must be a positive integer, got ${count}`);
    if (4000 + count > 65535) throw new Error(`synthetic catalog: ${count} services do not fit the port range`);
    const per = catalog.length;
    const present = new Set<string>();
    for (let i = 0; i < count; i++) present.add(syntheticName(catalog[i % per].name, Math.floor(i / per)));
    const blocks = Math.ceil(count / per);

    const services: ServiceSpec[] = [];
    for (let i = 0; i < count; i++) {
        const real = catalog[i % per];
        const block = Math.floor(i / per);
        const name = syntheticName(real.name, block);
        const calls = real.calls.map((c) => syntheticName(c, block)).filter((c) => present.has(c));
        const isEdge = real.public && block === 0;
        if (isEdge) {
            for (let b = 1; b < blocks; b++) {
                const other = syntheticName(gatewayName, b);
                if (present.has(other)) calls.push(other);
            }
        }
        services.push({
            ...real,
            name,
            description: `${real.description} (synthetic clone ${block} of ${real.name})`,
            port: 4000 + i,
            calls,
            public: isEdge,
            publicRoutes: isEdge ? real.publicRoutes : undefined,
            ...(real.database
                ? { database: { ...real.database, name: `${real.database.name}_b${block}` } }
                : {}),
        });
    }
    const problems = validateCatalog(services);
    if (problems.length > 0) throw new Error(`synthetic catalog of ${count} is invalid:\n${problems.join("\n")}`);
    return services;
}
