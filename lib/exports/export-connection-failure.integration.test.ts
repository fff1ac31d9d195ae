import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalog } from "@/test/consent-fixtures";
import { db } from "@/lib/db/client";
import { closeExportPool } from "./export-pool";
import { openLedgerExport } from "./open-ledger-export";

const ROWS = 20_000;

beforeAll(async () => {
  await seedCatalog();
  // Many more rows than one cursor batch, so the export is still reading when its connection dies.
  await db().$executeRawUnsafe(`
    INSERT INTO "Subject" (id) SELECT gen_random_uuid() FROM generate_series(1, ${ROWS});
    INSERT INTO "ConsentState" (subject_id, purpose_id, status, event_id, seq, updated_at)
      SELECT s.id, p.id, 'granted', gen_random_uuid(), 1, now() FROM "Subject" s, "Purpose" p WHERE p.key = 'terms'`);
});

afterAll(async () => {
  await closeExportPool();
});

describe("an export whose database connection dies", () => {
  it("fails that download without taking the process down, and the next export works", async () => {
    const exported = await openLedgerExport({ dataset: "consent_state", format: "ndjson" });
    const chunks = exported.stream[Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    await db().$executeRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE application_name = 'consent-portal-export' AND pid <> pg_backend_pid()`;
    await expect(
      (async () => {
        for (let next = await chunks.next(); !next.done; next = await chunks.next());
      })(),
    ).rejects.toThrow();
    expect(exported.rows()).toBeLessThan(ROWS);

    const again = await openLedgerExport({ dataset: "consent_state", format: "ndjson" });
    expect((await text(again.stream)).trimEnd().split("\n")).toHaveLength(ROWS);
  });
});
