import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypeScript from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      ".next-e2e-*/**",
      "node_modules/**",
      ".data/**",
      "lib/generated/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  ...nextVitals,
  ...nextTypeScript,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The worker thread's loader stays plain JavaScript: it loads before any TypeScript can.
        projectService: { allowDefaultProject: ["*.mjs", "*.js", "lib/ledger/event-pass-worker.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Configuration is parsed once, with zod, in lib/env.ts (docs/STYLE.md §1).
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read configuration through env() from lib/env.ts.",
        },
      ],
    },
  },
  {
    // Launchers, the emulator, tests and tool configs run outside the portal and may read the environment.
    files: [
      "lib/env.ts",
      "scripts/**",
      "emulator/**",
      "test/**",
      "e2e/**",
      "bench/**",
      "trust/**",
      "**/*.test.ts",
      "*.config.*",
      "instrumentation.ts",
    ],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    // Only lib/ talks to the database (docs/STYLE.md §4).
    files: ["app/**", "components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db/*", "@/lib/generated/*", "**/lib/db/*", "**/lib/generated/*"],
              message: "Only lib/ talks to Prisma.",
            },
            { group: ["@prisma/*"], message: "Only lib/ talks to Prisma." },
          ],
        },
      ],
    },
  },
  {
    // The emulator is a program of its own (the portal's Auth0 test double): it imports nothing
    // from the portal or from scripts/; its launcher lives in scripts/emulator.ts.
    files: ["emulator/**"],
    ignores: ["emulator/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../*", "@/*"], message: "emulator/ imports only emulator/ and packages." }] },
      ],
    },
  },
  { files: ["*.mjs", "*.js"], ...tseslint.configs.disableTypeChecked },
);
