import { randomBytes } from "node:crypto";
import pg from "pg";

/** Creates a fresh database from the migrated template; returns its URL. */
export async function createDatabaseFromTemplate(adminUrl: string, template: string): Promise<string> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty database (no migrations); returns its URL. */
export async function createEmptyDatabase(adminUrl: string): Promise<string> {
  return createDatabaseFromTemplate(adminUrl, "template0");
}
