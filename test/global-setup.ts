// Integration tests: one real embedded PostgreSQL for the run, a migrated template database,
// and a fresh copy of it for each test file (test/integration-setup.ts).
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
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = join(process.cwd(), ".data", `test-postgres-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: TEMPLATE_DATABASE });
  await migrate(server.url);
  const admin = new URL(server.url);
  admin.pathname = "/postgres";
  project.provide("postgresAdminUrl", admin.toString());
  project.provide("templateDatabase", TEMPLATE_DATABASE);
  Object.assign(process.env, TEST_ENV);
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
