import { defineConfig, devices } from "@playwright/test";

// The e2e stack runs on its own ports and data directory, started fresh for each run.
const PORT = 3100;
export const E2E_BASE_URL = `http://localhost:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  workers: 2,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-results.json" }]],
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    // Debian's Chromium; Playwright must never download a browser here.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
  ],
  webServer: {
    command: "npx tsx --conditions=react-server scripts/start.ts --fresh",
    url: `${E2E_BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(PORT),
      EMULATOR_PORT: "4100",
      EMBEDDED_POSTGRES_PORT: "5434",
      DATA_DIR: ".data/e2e",
      APP_BASE_URL: E2E_BASE_URL,
      LOCAL_STACK_IGNORE_DOTENV: "1",
      DATABASE_URL: "",
      AUTH0_DOMAIN: "",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
