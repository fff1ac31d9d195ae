// Runs before each integration test file: the file gets its own database, cloned from the
// migrated template, so files never see each other's rows. The portal's code runs as the
// application login (DATABASE_URL); DATABASE_OWNER_URL is the owner, for tests that tamper.
import { afterAll, inject } from "vitest";
import { databaseUrl } from "@/scripts/db/database-roles";
import { createDatabaseFromTemplate } from "./database";
import { TEST_ENV } from "./test-env";

Object.assign(process.env, TEST_ENV);
const database = await createDatabaseFromTemplate(inject("postgresAdminUrl"), inject("templateDatabase"));
process.env.DATABASE_URL = databaseUrl(inject("appUrl"), { database });
process.env.DATABASE_OWNER_URL = databaseUrl(inject("ownerUrl"), { database });

afterAll(async () => {
  const holder = globalThis as unknown as { prisma?: { $disconnect(): Promise<void> } };
  await holder.prisma?.$disconnect();
  delete holder.prisma;
});
