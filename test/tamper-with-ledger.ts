import { asOwner } from "./owner-database";

/**
 * Edits the ledger behind the database's back, as the tables' owner (or a superuser) could:
 * disable the append-only trigger, run `sql`, enable the trigger again. The portal's own role
 * cannot (scripts/db/app-role-refusals.integration.test.ts).
 */
export async function tamperWithLedger(sql: string, params: unknown[]): Promise<void> {
  await asOwner(async (owner) => {
    await owner.query(`ALTER TABLE "ConsentEvent" DISABLE TRIGGER "ConsentEvent_append_only"`);
    await owner.query(sql, params);
    await owner.query(`ALTER TABLE "ConsentEvent" ENABLE ALWAYS TRIGGER "ConsentEvent_append_only"`);
  });
}
