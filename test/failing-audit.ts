// Makes AdminChange inserts fail for the duration of a call, with a real trigger on the test
// database (added as the owner role), to prove that an admin change and its audit row commit or
// fail together.
import { expect } from "vitest";
import { asOwner } from "./owner-database";

const REFUSED = /audit write refused/;

async function refuseAuditWrites(on: boolean) {
  await asOwner(async (owner) => {
    if (on) {
      await owner.query(
        `CREATE OR REPLACE FUNCTION refuse_audit_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'audit write refused'; END $$`,
      );
      await owner.query(
        `CREATE TRIGGER "AdminChange_refuse_for_test" BEFORE INSERT ON "AdminChange"
           FOR EACH ROW EXECUTE FUNCTION refuse_audit_for_test()`,
      );
    } else {
      await owner.query(`DROP TRIGGER IF EXISTS "AdminChange_refuse_for_test" ON "AdminChange"`);
    }
  });
}

/** Runs `change` while audit writes fail; it must fail with the audit error. */
export async function expectFailingAuditToAbort(change: () => Promise<unknown>): Promise<void> {
  await refuseAuditWrites(true);
  try {
    await expect(change()).rejects.toThrow(REFUSED);
  } finally {
    await refuseAuditWrites(false);
  }
}
