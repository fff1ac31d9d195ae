import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { staffActor } from "@/test/actors";
import { viewAccessLog } from "./view-access-log";

describe("viewAccessLog", () => {
  // Found by e2e/no-server-errors.spec.ts: the access-log row for this read named the unknown
  // subject, and its foreign key turned a well-formed id of nobody into a 500.
  it("filters by a subject id that belongs to nobody: no entries, and the read is logged with the filter", async () => {
    const actor = staffActor("auth0|reader-unknown-subject");
    const nobody = randomUUID();
    const page = await viewAccessLog(actor, { subjectId: nobody });
    expect(page.entries).toEqual([]);
    const logged = await db().accessLog.findFirstOrThrow({
      where: { actorId: actor.id, action: "access_log.view" },
      orderBy: { at: "desc" },
    });
    expect(logged.subjectId).toBeNull();
    expect(logged.detail).toMatchObject({ filter: { subjectId: nobody } });
  });
});
