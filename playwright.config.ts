import { readFileSync, writeFileSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import {
  E2E_BASE_URL,
  E2E_DATA_DIR,
  E2E_EMULATOR_PORT,
  E2E_PORT,
  E2E_PORT_OFFSET as OFFSET,
  E2E_POSTGRES_PORT,
  E2E_WITNESS_PORT,
} from "./e2e/stack";

// The e2e stack runs on its own ports, data directory and build directory (e2e/stack.ts),
// started fresh for each run.
const DIST_DIR = `.next-e2e-${OFFSET}`;
const TSCONFIG = `tsconfig.e2e-${OFFSET}.json`;
if (OFFSET) {
  // `next build` adds its build directory's types to the tsconfig it uses; give a second build
  // its own (git-ignored) tsconfig so the shared one is never rewritten.
  writeFileSync(
    TSCONFIG,
    JSON.stringify({ extends: "./tsconfig.json", include: [...baseInclude(), `${DIST_DIR}/types/**/*.ts`] }),
  );
}

function baseInclude(): string[] {
  return (JSON.parse(readFileSync("tsconfig.json", "utf8")) as { include: string[] }).include;
}
export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  // The longest flows (sign up, sign in again, an axe check per page, several page loads) take
  // 20–30 s on a 2-core machine running the whole stack; Playwright's default 30 s left no room.
  timeout: 60_000,
  workers: 2,
  outputDir: OFFSET ? `test-results/e2e-${OFFSET}` : "test-results/e2e",
  reporter: [
    ["list"],
    ["json", { outputFile: OFFSET ? `test-results/e2e-${OFFSET}.json` : "test-results/e2e-results.json" }],
  ],
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
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"], grepInvert: /@global-state/ },
    // Tests that change what every signed-in person sees (a re-consent version, the withdrawal
    // policy) run only after all others, so they cannot catch another test's person mid-flow.
    {
      name: "global-state",
      use: { ...devices["Desktop Chrome"] },
      dependencies: ["chromium"],
      grep: /@global-state/,
      fullyParallel: false, // one after the other: each changes what the other sees
      // And one worker: without it, two files' tests ran side by side (a sign-up met a Terms
      // version published at that moment by another file's test).
      workers: 1,
    },
  ],
  webServer: {
    command: "npx tsx --conditions=react-server scripts/start.ts --fresh --no-demo",
    url: `${E2E_BASE_URL}/api/health`,
    reuseExistingServer: false,
    // A production build takes 2–4 minutes on 2 cores; more while other work shares the machine.
    timeout: 600_000,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(E2E_PORT),
      EMULATOR_PORT: String(E2E_EMULATOR_PORT),
      EMBEDDED_POSTGRES_PORT: String(E2E_POSTGRES_PORT),
      WITNESS_PORT: String(E2E_WITNESS_PORT),
      DATA_DIR: E2E_DATA_DIR,
      ...(OFFSET ? { NEXT_DIST_DIR: DIST_DIR, NEXT_TSCONFIG_PATH: TSCONFIG } : {}),
      APP_BASE_URL: E2E_BASE_URL,
      LOCAL_STACK_IGNORE_DOTENV: "1",
      DATABASE_URL: "",
      AUTH0_DOMAIN: "",
      NEXT_TELEMETRY_DISABLED: "1",
      // request-evidence.spec.ts connects through a proxy of its own on 127.0.0.2.
      TRUSTED_PROXIES: "127.0.0.2/32",
      // webhooks.spec.ts receives deliveries on 127.0.0.1 (ADR 034: refused unless allowed).
      WEBHOOK_ALLOW_PRIVATE: "true",
      // The whole suite signs up and signs in from one address: the limits themselves are
      // tested by lib/rate-limits/rate-limits.integration.test.ts (ADR 035).
      RATE_LIMIT_SCALE: "100",
    },
  },
});
