// `npm run lint`: typescript-eslint's recommended rules, plus @pulumi/eslint-plugin, which catches a
// pulumi.Output inside a template literal (typed linting lets that rule see Output types), plus the
// wall: the product imports no tooling, and tooling never imports tests/.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

const PRODUCT = ["index.ts", "components/**/*.ts", "lib/**/*.ts", "lambda/**/*.ts", "sigv4/**/*.ts"];
const TOOLING_DIRS = ["twin", "tools", "verify", "bench", "tests", "examples"];
const below = (dirs) => dirs.flatMap((d) => [`**/${d}`, `**/${d}/**`]);

// Tooling never imports tests/ (repeated in each block: a later no-restricted-imports replaces an earlier one).
const NO_TESTS = {
  group: ["**/tests", "**/tests/**"],
  message: "Tooling never imports tests/: move the shared piece into tools/testkit/.",
};

// The root module re-exports every service: importing it puts ~2,200 more type files into the type check.
const AWS_ROOT = {
  name: "@pulumi/aws",
  message:
    'Import the service module instead (import * as apigateway from "@pulumi/aws/apigateway"; Provider from "@pulumi/aws/provider").',
};

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "**/*.mjs", "**/*.js", "examples/**/node_modules/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "no-restricted-imports": ["error", { paths: [AWS_ROOT] }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: PRODUCT,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [AWS_ROOT],
          patterns: [
            {
              group: below(TOOLING_DIRS),
              message:
                "The product (index.ts, components/, lib/, lambda/, sigv4/) imports no tooling: move the shared piece into the product.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["twin/**/*.ts", "tools/**/*.ts", "verify/**/*.ts", "bench/**/*.ts", "policy/**/*.ts", "examples/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [AWS_ROOT],
          patterns: [NO_TESTS],
        },
      ],
    },
  },
  {
    // Tooling outside the twin reaches it through its one entry point, twin/index.ts.
    files: ["tools/**/*.ts", "verify/**/*.ts", "bench/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [AWS_ROOT],
          patterns: [
            NO_TESTS,
            {
              group: ["**/twin/**", "!**/twin/index"],
              message: "Import the twin through its entry point (../twin, twin/index.ts); export what you need from there.",
            },
          ],
        },
      ],
    },
  },
);
