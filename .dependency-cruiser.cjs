// The program's shape, checked by `make check` (depcruise): model/ at the bottom, importing nothing;
// components/, alerts/ and dashboards/ on it and never on each other, but for the Platform that wires
// them; the policy pack independent of everything it checks; scripts never reaching into tests; and
// no import cycle, between modules or between folders.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
    forbidden: [
        {
            name: "no-circular",
            severity: "error",
            comment: "A module cycle: whatever is shared belongs one level down (model/, components/k8s/).",
            from: {},
            to: { circular: true },
        },
        {
            name: "no-folder-cycle",
            severity: "error",
            comment: "Two folders import each other (directly or through others): move the shared piece down.",
            scope: "folder",
            from: {},
            to: { circular: true },
        },
        {
            name: "model-imports-nothing",
            severity: "error",
            comment: "model/ is pure data and types: it imports only model/ (no program code, no packages).",
            from: { path: "^model/" },
            to: { pathNot: "^model/" },
        },
        {
            name: "alerts-only-on-model",
            severity: "error",
            comment: "alerts/ is built from model/ alone; the Platform hands it what it needs.",
            from: { path: "^alerts/" },
            to: { path: "^(components|dashboards|scripts|test|policies)/|^index\\.ts$" },
        },
        {
            name: "dashboards-only-on-model",
            severity: "error",
            comment: "dashboards/ is built from model/ alone; the Platform hands it what it needs.",
            from: { path: "^dashboards/" },
            to: { path: "^(components|alerts|scripts|test|policies)/|^index\\.ts$" },
        },
        {
            name: "only-the-platform-wires-alerts-and-dashboards",
            severity: "error",
            comment: "Components receive rule files and dashboards as data from the Platform, never import their generators.",
            from: { path: "^components/", pathNot: "^components/platform\\.ts$" },
            to: { path: "^(alerts|dashboards)/" },
        },
        {
            name: "program-never-imports-tests-or-scripts",
            severity: "error",
            comment: "The program and its generators do not depend on tooling or tests.",
            from: { path: "^(index\\.ts|model|components|alerts|dashboards)(/|$)" },
            to: { path: "^(test|scripts)/" },
        },
        {
            name: "scripts-never-import-tests",
            severity: "error",
            comment: "Tests may use scripts/ (shared workspace helpers); scripts/ never reaches into test/.",
            from: { path: "^scripts/" },
            to: { path: "^test/" },
        },
        {
            name: "policy-pack-is-independent",
            severity: "error",
            comment: "A check that shares code with what it checks proves nothing: policies/ imports nothing of the program.",
            from: { path: "^policies/" },
            to: { path: "^(index\\.ts|model|components|alerts|dashboards|scripts|test)(/|$)" },
        },
        {
            name: "nothing-imports-the-policy-pack",
            severity: "error",
            comment: "The program does not import its checker either (tests drive the pack through the engine or its own API).",
            from: { path: "^(index\\.ts|model|components|alerts|dashboards|scripts)(/|$)" },
            to: { path: "^policies/" },
        },
        {
            name: "not-to-unresolvable",
            severity: "error",
            comment: "An import that resolves to nothing.",
            from: {},
            to: { couldNotResolve: true },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "(^|/)node_modules/|^test/fixtures/|^rendered/|^\\.pulumi-state/|^bench-results/" },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
    },
};
