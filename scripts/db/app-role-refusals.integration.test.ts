import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeWithdrawalPolicy } from "@/lib/admin/change-withdrawal-policy";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import { adminActor, staffActor } from "@/test/actors";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";

// What an SQL-level foothold in the portal could try against the evidence (security review M1),
// run over the portal's own connection: PostgreSQL refuses each for lack of privilege, before any
// trigger is involved, and the evidence is unchanged afterwards.
const EVIDENCE = ["ConsentEvent", "AccessLog", "AdminChange"] as const;
const PERMISSION_DENIED = "42501";

let portal: pg.Client;
let counts: Record<string, number>;

async function countEvidence(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of EVIDENCE) {
    const { rows } = await portal.query<{ count: number }>(`SELECT count(*)::int AS count FROM "${table}"`);
    counts[table] = rows[0]!.count;
  }
  return counts;
}

async function expectRefused(sql: string, message: string | RegExp) {
  const error = await portal.query(sql).then(
    () => undefined,
    (caught: unknown) => caught as pg.DatabaseError,
  );
  expect(error, `${sql} must be refused`).toBeDefined();
  // SQLSTATE and message together, so a failure shows both.
  const refusal = `${error!.code}: ${error!.message}`;
  if (typeof message === "string") expect(refusal, sql).toBe(`${PERMISSION_DENIED}: ${message}`);
  else expect(refusal, sql).toMatch(new RegExp(`^${PERMISSION_DENIED}: ${message.source}`));
}

beforeAll(async () => {
  await seedCatalog();
  const subject = await newSignedUpSubject("evidence", ["terms", "analytics"]);
  await appendAccessLog({ action: "subject.view", subjectId: subject.id }, staffActor());
  await changeWithdrawalPolicy({ onRequiredWithdrawal: "delete" }, adminActor());
  portal = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await portal.connect();
  counts = await countEvidence();
  expect(Object.values(counts).every((count) => count > 0)).toBe(true);
});

afterAll(async () => {
  await portal?.end();
});

describe("the portal's database role cannot rewrite the evidence", () => {
  for (const table of EVIDENCE) {
    it(`is refused UPDATE, DELETE and TRUNCATE on ${table}`, async () => {
      await expectRefused(`UPDATE "${table}" SET id = id`, `permission denied for table ${table}`);
      await expectRefused(`DELETE FROM "${table}"`, `permission denied for table ${table}`);
      await expectRefused(`TRUNCATE "${table}" CASCADE`, `permission denied for table ${table}`);
    });
  }

  it("cannot disable, drop or add a trigger", async () => {
    await expectRefused(
      `ALTER TABLE "ConsentEvent" DISABLE TRIGGER "ConsentEvent_append_only"`,
      "must be owner of table ConsentEvent",
    );
    await expectRefused(`ALTER TABLE "AccessLog" DISABLE TRIGGER ALL`, "must be owner of table AccessLog");
    await expectRefused(
      `DROP TRIGGER "AdminChange_append_only" ON "AdminChange"`,
      "must be owner of relation AdminChange",
    );
    await expectRefused(
      `CREATE TRIGGER rewrite BEFORE INSERT ON "ConsentEvent" FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change()`,
      "permission denied for table ConsentEvent",
    );
  });

  it("cannot run programs or write files on the server", async () => {
    await expectRefused(`COPY (SELECT 1) TO PROGRAM 'id'`, /permission denied to COPY to or from an external program/);
    await expectRefused(`COPY "ConsentEvent" TO '/tmp/consent-events'`, /permission denied to COPY to a file/);
  });

  it("cannot create functions, in the schema or as temporary objects", async () => {
    await expectRefused(
      `CREATE FUNCTION public.shadow() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
      "permission denied for schema public",
    );
    await expectRefused(
      `CREATE FUNCTION pg_temp.shadow() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
      /permission denied to create temporary tables in database/,
    );
    await expectRefused(
      `CREATE TEMP TABLE shadow (id int)`,
      /permission denied to create temporary tables in database/,
    );
  });

  it("cannot switch to replica mode or to another role", async () => {
    await expectRefused(
      `SET session_replication_role = replica`,
      'permission denied to set parameter "session_replication_role"',
    );
    await expectRefused(`SET ROLE consent_owner`, 'permission denied to set role "consent_owner"');
  });

  it("leaves every evidence row in place", async () => {
    expect(await countEvidence()).toEqual(counts);
  });
});
