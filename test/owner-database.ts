// The owner role's connection to the test file's database (DATABASE_OWNER_URL), for what the
// portal's own role may not do: tampering with the ledger, adding triggers that make writes fail.
import pg from "pg";

/** Runs `work` on a fresh connection as the owner role, then closes it. */
export async function asOwner<T>(work: (owner: pg.Client) => Promise<T>): Promise<T> {
  const owner = new pg.Client({ connectionString: process.env.DATABASE_OWNER_URL });
  await owner.connect();
  try {
    return await work(owner);
  } finally {
    await owner.end();
  }
}
