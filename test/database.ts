import { randomBytes } from "node:crypto";
import pg from "pg";
import { prepareDatabase } from "@/scripts/db/database-roles";

/**
 * Creates a fresh database from the migrated template, owned by the owner role like the
 * template (database-level privileges are not copied, so they are set again); returns its name.
 */
export async function createDatabaseFromTemplate(adminUrl: string, template: string): Promise<string> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await prepareDatabase(admin, name, { template });
  } finally {
    await admin.end();
  }
  return name;
}

/** Creates an empty database (no migrations), owned by the owner role; returns its name. */
export async function createEmptyDatabase(adminUrl: string): Promise<string> {
  return createDatabaseFromTemplate(adminUrl, "template0");
}
