import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
// `server-only` throws outside React Server Components; tests run lib/ code directly on the server.
const alias = { "server-only": fileURLToPath(new URL("./test/server-only-stub.ts", import.meta.url)), "@": root };
const exclude = ["node_modules/**", ".next/**", ".next-e2e-*/**", "e2e/**", ".data/**"];

export default defineConfig({
  test: {
    // Vitest's default leaves one core idle; on a 2-core CI machine that ran the files one at a
    // time (integration: 264 s against 186 s on both cores). Each file has its own database.
    maxWorkers: availableParallelism(),
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...exclude, "**/*.integration.test.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude,
          globalSetup: ["./test/global-setup.ts"],
          setupFiles: ["./test/integration-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
