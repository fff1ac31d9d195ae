import pg from "pg";

/**
 * Edits the ledger behind the database's back, as an attacker with superuser rights could:
 * disable the append-only trigger, run `sql`, enable the trigger again.
 */
export async function tamperWithLedger(sql: string, params: unknown[]): Promise<void> {
  const superuser = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await superuser.connect();
  try {
    await superuser.query(`ALTER TABLE "ConsentEvent" DISABLE TRIGGER "ConsentEvent_append_only"`);
    await superuser.query(sql, params);
    await superuser.query(`ALTER TABLE "ConsentEvent" ENABLE ALWAYS TRIGGER "ConsentEvent_append_only"`);
  } finally {
    await superuser.end();
  }
}
