/** Configuration lib/env.ts needs in integration tests (DATABASE_URL is set per test file). */
export const TEST_ENV = {
  NODE_ENV: "test",
  APP_BASE_URL: "http://localhost:3999",
  AUTH0_DOMAIN: "http://localhost:4999",
  AUTH0_CLIENT_ID: "test-portal",
  AUTH0_CLIENT_SECRET: "test-portal-secret",
  AUTH0_SECRET: "test-session-secret-0123456789abcdef0123456789abcdef",
  AUTH0_MGMT_CLIENT_ID: "test-portal-mgmt",
  AUTH0_MGMT_CLIENT_SECRET: "test-portal-mgmt-secret",
  LEDGER_MASTER_KEY: "6d0f5c1a3e2b4d7f8a9c0b1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7",
  BLIND_INDEX_KEY: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
  RECEIPT_SIGNING_KEY: "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
  /** Ed25519 seed of the transparency log's checkpoint key; LOG_ORIGIN names the log. */
  LOG_SIGNING_KEY: "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f",
  LOG_ORIGIN: "localhost/consent-portal-test",
} as const;

/** The verifier key of TEST_ENV.LOG_SIGNING_KEY. */
export const TEST_LOG_VERIFIER_KEY =
  "localhost/consent-portal-test+af1a695c+AYOJpvjk5YQBcEdSFdDQcV/fsteuKIfChhlDIaT8yQyq";
