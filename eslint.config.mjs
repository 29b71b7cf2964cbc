// ESLint for the program, its generators, scripts, tests and the policy pack: typescript-eslint's
// type-checked recommended rules (make check runs it with --max-warnings 0).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["**/node_modules/**", "rendered/**", ".pulumi-state/**", "bench-results/**", ".bench-build/**", "test/fixtures/**"] },
    js.configs.recommended,
    tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
    },
    {
        // Plain JavaScript (CommonJS helpers, this file): no type information to check against.
        files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
        extends: [tseslint.configs.disableTypeChecked],
        // CommonJS files load their dependencies with require(): that is their module system, not a lapse.
        rules: { "@typescript-eslint/no-require-imports": "off" },
        languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly", console: "readonly" } },
    },
);
