import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { db } from "@/lib/db/client";
import { databaseUrl } from "@/scripts/db/database-roles";
import { asOwner } from "@/test/owner-database";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { appendAccessLog } from "./append-access-log";
import { PERSON, staffActor } from "@/test/actors";

// The refusals come from PostgreSQL triggers, so they hold for any client, even the tables' owner:
// here raw SQL as the owner role. The portal's own role is refused before any trigger fires (it
// has no UPDATE, DELETE or TRUNCATE on these tables: scripts/db/app-role-refusals.integration.test.ts).
describe("append-only tables", () => {
  let eventId: string;
  let accessLogId: string;
  let policyVersionId: string;

  beforeAll(async () => {
    const { termsId } = await seedCatalog();
    policyVersionId = termsId;
    const subject = await newSubject();
    const decision = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["terms"],
        policyVersionIds: [termsId],
        method: "signup",
      },
      PERSON,
    );
    eventId = decision.events[0]!.id;
    accessLogId = (await appendAccessLog({ action: "subject.view", subjectId: subject.id }, staffActor("auth0|staff")))
      .id;
  });

  const cases = [
    { table: "ConsentEvent", id: () => eventId, column: "method", value: "'staff'" },
    { table: "AccessLog", id: () => accessLogId, column: "actor_id", value: "'someone-else'" },
    { table: "PolicyVersion", id: () => policyVersionId, column: "url", value: "'/elsewhere'" },
  ];

  for (const { table, id, column, value } of cases) {
    it(`refuses UPDATE, DELETE and TRUNCATE on ${table}`, async () => {
      await asOwner(async (owner) => {
        await expect(
          owner.query(`UPDATE "${table}" SET ${column} = ${value} WHERE id = $1::uuid`, [id()]),
        ).rejects.toThrow(`${table} is append-only: UPDATE forbidden`);
        await expect(owner.query(`DELETE FROM "${table}" WHERE id = $1::uuid`, [id()])).rejects.toThrow(
          `${table} is append-only: DELETE forbidden`,
        );
        await expect(owner.query(`TRUNCATE "${table}" CASCADE`)).rejects.toThrow(
          `${table} is append-only: TRUNCATE forbidden`,
        );
      });
      const rows = await db().$queryRawUnsafe<Array<{ count: bigint }>>(
        `SELECT count(*) FROM "${table}" WHERE id = $1::uuid`,
        id(),
      );
      expect(Number(rows[0]!.count)).toBe(1);
    });
  }

  it("refuses the portal through Prisma's model API too (P2039 with PostgreSQL's message)", async () => {
    const error = await db()
      .consentEvent.update({ where: { id: eventId }, data: { method: "staff" } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "P2039" });
    expect(String((error as Error).message)).toContain("permission denied for table ConsentEvent");
    await expect(db().accessLog.deleteMany({})).rejects.toThrow("permission denied for table AccessLog");
  });

  it("marks the triggers ENABLE ALWAYS, so replication-role sessions cannot skip them", async () => {
    const triggers = await db().$queryRaw<Array<{ tbl: string; name: string; enabled: string }>>`
      SELECT t.tgname::text AS name, t.tgenabled::text AS enabled, c.relname::text AS tbl
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relname IN ('ConsentEvent', 'AccessLog', 'PolicyVersion') ORDER BY 1, 2`;
    expect(triggers).toHaveLength(6);
    expect(triggers.every((trigger) => trigger.enabled === "A")).toBe(true);
    // Only a superuser may switch to replica mode at all.
    const superuser = new pg.Client({
      connectionString: databaseUrl(inject("postgresAdminUrl"), {
        database: new URL(process.env.DATABASE_URL!).pathname.slice(1),
      }),
    });
    await superuser.connect();
    try {
      await superuser.query("BEGIN");
      await superuser.query("SET LOCAL session_replication_role = replica");
      await expect(superuser.query(`DELETE FROM "ConsentEvent" WHERE id = $1::uuid`, [eventId])).rejects.toThrow(
        "ConsentEvent is append-only: DELETE forbidden",
      );
      await superuser.query("ROLLBACK");
    } finally {
      await superuser.end();
    }
  });
});
