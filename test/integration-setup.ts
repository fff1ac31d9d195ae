// Runs before each integration test file: the file gets its own database, cloned from the
// migrated template, so files never see each other's rows.
import { afterAll, inject } from "vitest";
import { createDatabaseFromTemplate } from "./database";
import { TEST_ENV } from "./test-env";

Object.assign(process.env, TEST_ENV);
process.env.DATABASE_URL = await createDatabaseFromTemplate(inject("postgresAdminUrl"), inject("templateDatabase"));

afterAll(async () => {
  const holder = globalThis as unknown as { prisma?: { $disconnect(): Promise<void> } };
  await holder.prisma?.$disconnect();
  delete holder.prisma;
});
