// Integration tests: one real embedded PostgreSQL for the run, a migrated template database,
// and a fresh copy of it for each test file (test/integration-setup.ts). The migrations run as
// the owner role and the portal's code as its own login, as in production (ADR 024).
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../scripts/db/embedded-postgres";
import { migrate } from "../scripts/db/migrate";
import { freePort } from "./free-port";
import { TEST_ENV } from "./test-env";

export const TEMPLATE_DATABASE = "consent_template";

declare module "vitest" {
  export interface ProvidedContext {
    /** The superuser on the `postgres` database: creates the per-file databases. */
    postgresAdminUrl: string;
    /** The owner role and the portal's login, on the template (integration-setup.ts swaps the database). */
    ownerUrl: string;
    appUrl: string;
    templateDatabase: string;
  }
}

const password = () => randomBytes(18).toString("base64url");

export default async function setup(project: TestProject) {
  const dataDir = join(process.cwd(), ".data", `test-postgres-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    database: TEMPLATE_DATABASE,
    passwords: { superuser: password(), owner: password(), app: password() },
  });
  await migrate(server.ownerUrl);
  project.provide("postgresAdminUrl", server.superuserUrl);
  project.provide("ownerUrl", server.ownerUrl);
  project.provide("appUrl", server.url);
  project.provide("templateDatabase", TEMPLATE_DATABASE);
  Object.assign(process.env, TEST_ENV);
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
