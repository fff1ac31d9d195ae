import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { appendAccessLog } from "./append-access-log";
import { PERSON, staffActor } from "@/test/actors";

// The refusals come from PostgreSQL triggers, so they hold for any client: here raw SQL over the
// portal's own connection (which in tests is even a superuser).
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
      await expect(
        db().$executeRawUnsafe(`UPDATE "${table}" SET ${column} = ${value} WHERE id = $1::uuid`, id()),
      ).rejects.toThrow(`${table} is append-only: UPDATE forbidden`);
      await expect(db().$executeRawUnsafe(`DELETE FROM "${table}" WHERE id = $1::uuid`, id())).rejects.toThrow(
        `${table} is append-only: DELETE forbidden`,
      );
      await expect(db().$executeRawUnsafe(`TRUNCATE "${table}" CASCADE`)).rejects.toThrow(
        `${table} is append-only: TRUNCATE forbidden`,
      );
      const rows = await db().$queryRawUnsafe<Array<{ count: bigint }>>(
        `SELECT count(*) FROM "${table}" WHERE id = $1::uuid`,
        id(),
      );
      expect(Number(rows[0]!.count)).toBe(1);
    });
  }

  it("refuses through Prisma's model API too (P2039 with PostgreSQL's message)", async () => {
    const error = await db()
      .consentEvent.update({ where: { id: eventId }, data: { method: "staff" } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "P2039" });
    expect(String((error as Error).message)).toContain("ConsentEvent is append-only: UPDATE forbidden");
    await expect(db().accessLog.deleteMany({})).rejects.toThrow("AccessLog is append-only: DELETE forbidden");
  });

  it("marks the triggers ENABLE ALWAYS, so replication-role sessions cannot skip them", async () => {
    const triggers = await db().$queryRaw<Array<{ tbl: string; name: string; enabled: string }>>`
      SELECT t.tgname::text AS name, t.tgenabled::text AS enabled, c.relname::text AS tbl
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relname IN ('ConsentEvent', 'AccessLog', 'PolicyVersion') ORDER BY 1, 2`;
    expect(triggers).toHaveLength(6);
    expect(triggers.every((trigger) => trigger.enabled === "A")).toBe(true);
    await expect(
      db().$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
        await tx.$executeRawUnsafe(`DELETE FROM "ConsentEvent" WHERE id = $1::uuid`, eventId);
      }),
    ).rejects.toThrow("ConsentEvent is append-only: DELETE forbidden");
  });
});
