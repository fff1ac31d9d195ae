import { describe, expect, it } from "vitest";
import { viewAccessLog } from "@/lib/compliance/view-access-log";
import { db } from "@/lib/db/client";
import { eraseSubject } from "@/lib/subjects/erase-subject";
import { seedCatalog, signUp } from "@/test/consent-fixtures";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { staffActor, systemActor } from "@/test/actors";
import { findStaffIdsByEmail, readStaffEmails, recordStaffMember } from "./staff-directory";

describe("the staff directory (ADR 041)", () => {
  it("names staff by email in the access log, filters it by email, and logs the ids, never the email", async () => {
    const alice = staffActor("auth0|directory-alice");
    const bob = staffActor("auth0|directory-bob");
    await recordStaffMember({ staffId: alice.id, email: "Alice.Auditor@Example.com" });
    await recordStaffMember({ staffId: bob.id, email: "bob@example.com" });
    await viewAccessLog(alice, {});
    await viewAccessLog(bob, {});

    const reader = staffActor("auth0|directory-reader");
    const page = await viewAccessLog(reader, { actorId: "alice.auditor@example.com" });
    expect(page.entries.length).toBeGreaterThan(0);
    expect(new Set(page.entries.map((entry) => entry.actorId))).toEqual(new Set([alice.id]));
    expect(page.staffEmails.get(alice.id)).toBe("alice.auditor@example.com");

    const logged = await db().accessLog.findFirstOrThrow({
      where: { actorId: reader.id, action: "access_log.view" },
      orderBy: { at: "desc" },
    });
    expect(logged.detail).toMatchObject({ filter: { actorIds: [alice.id] } });
    expect(JSON.stringify(logged.detail)).not.toContain("@");
  });

  it("an email nobody in the directory has finds no entries", async () => {
    const page = await viewAccessLog(staffActor("auth0|directory-reader-2"), { actorId: "nobody@example.com" });
    expect(page.entries).toEqual([]);
  });

  it("keeps one row per staff id, updated when their email changes", async () => {
    await recordStaffMember({ staffId: "auth0|directory-carol", email: "carol@example.com" });
    await recordStaffMember({ staffId: "auth0|directory-carol", email: "carol.new@example.com" });
    expect(await findStaffIdsByEmail("carol@example.com")).toEqual([]);
    expect(await findStaffIdsByEmail("CAROL.NEW@example.com")).toEqual(["auth0|directory-carol"]);
  });

  it("forgets a staff member who is erased; the evidence keeps only their pseudonymous id", async () => {
    await seedCatalog();
    const staffId = "auth0|directory-dave";
    const subject = await ensureSubject({ auth0UserId: staffId, email: "dave@example.com" });
    await signUp(subject.id, ["terms"]);
    await recordStaffMember({ staffId, email: "dave@example.com" });
    await viewAccessLog(staffActor(staffId), {});
    await eraseSubject({ subjectId: subject.id, reason: "erasure request" }, systemActor("test"));
    expect(await readStaffEmails([staffId])).toEqual(new Map());
    expect(await db().accessLog.count({ where: { actorId: staffId } })).toBeGreaterThan(0);
  });
});
