/** Configuration lib/env.ts needs in integration tests (DATABASE_URL is set per test file). */
export const TEST_ENV = {
  NODE_ENV: "test",
  APP_BASE_URL: "http://localhost:3999",
  AUTH0_DOMAIN: "http://localhost:4999",
  AUTH0_CLIENT_ID: "test-portal",
  AUTH0_CLIENT_SECRET: "test-portal-secret",
  AUTH0_SECRET: "test-session-secret-0123456789abcdef0123456789abcdef",
} as const;
