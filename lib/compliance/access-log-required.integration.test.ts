import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { grantConsent } from "@/lib/consent/grant-consent";
import { readPersonConsent } from "@/lib/consent-api/read-person-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { db } from "@/lib/db/client";
import type { Auth0Directory } from "./auth0-directory";
import { issueStaffReceipt } from "./issue-staff-receipt";
import type { UpstreamFetch } from "./mgmt-proxy/call-auth0";
import { handleMgmtRequest } from "./mgmt-proxy/handle-mgmt-request";
import { readSubjectAudit } from "./read-subject-audit";
import { searchSubjects } from "./search-subjects";
import { viewAccessLog } from "./view-access-log";
import { adminActor, PERSON } from "@/test/actors";
import { asOwner } from "@/test/owner-database";

// The issue asks for proof that a staff view without an access-log entry cannot happen. Here
// the database refuses every AccessLog insert (as a full disk or a revoked privilege would), and
// every staff read must then fail as a whole: no data comes back, and Auth0 is not even asked.

const actor = adminActor("auth0|compliance-proof");
const apiClient: Actor = {
  kind: "api_client",
  id: "mail-tool-proof",
  roles: [],
  displayName: "Mail tool",
  email: "",
  via: { type: "access_token", scopes: ["consent:read"] },
};

const asTableOwner = (sql: string) => asOwner((owner) => owner.query(sql));

const breakAccessLog = () =>
  asTableOwner(`
    CREATE FUNCTION refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'access log unavailable (test)'; END; $$;
    CREATE TRIGGER "AccessLog_refuse_insert" BEFORE INSERT ON "AccessLog"
      FOR EACH ROW EXECUTE FUNCTION refuse_access_log();`);
const repairAccessLog = () =>
  asTableOwner(`DROP TRIGGER "AccessLog_refuse_insert" ON "AccessLog"; DROP FUNCTION refuse_access_log();`);

const untouchableDirectory: Auth0Directory = {
  findByEmail: () => Promise.reject(new Error("Auth0 must not be asked")),
  findById: () => Promise.reject(new Error("Auth0 must not be asked")),
};

describe("a staff read without an access-log entry cannot happen", () => {
  let subject: Awaited<ReturnType<typeof newSubject>>;
  let eventId: string;
  let upstreamCalls = 0;
  const upstream: UpstreamFetch = (path) => {
    upstreamCalls += 1;
    return Promise.resolve(
      Response.json(path.startsWith("/users-by-email") ? [{ user_id: subject.auth0UserId, email: subject.email }] : {}),
    );
  };

  beforeAll(async () => {
    const policies = await seedCatalog();
    subject = await newSubject("proof");
    const decision = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["terms"],
        policyVersionIds: [policies.termsId],
        method: "signup",
      },
      PERSON,
    );
    eventId = decision.events[0]!.id;
    // Sanity: with the log working, each read succeeds and leaves exactly one row.
    const before = await db().accessLog.count();
    await searchSubjects(actor, { email: subject.email! }, { directory: untouchableDirectory });
    await readSubjectAudit(actor, subject.id, {
      directory: { ...untouchableDirectory, findById: () => Promise.resolve(null) },
    });
    const consent = await readPersonConsent({ subjectId: subject.id }, apiClient);
    expect(consent.purposes.find((row) => row.purpose === "terms")?.status).toBe("granted");
    expect(await db().accessLog.count()).toBe(before + 3);
    await breakAccessLog();
  });

  afterAll(async () => {
    await repairAccessLog();
  });

  it("a search fails and returns nothing", async () => {
    await expect(searchSubjects(actor, { email: subject.email! }, { directory: untouchableDirectory })).rejects.toThrow(
      /access log unavailable/,
    );
    await expect(searchSubjects(actor, { purpose: "terms" })).rejects.toThrow(/access log unavailable/);
  });

  it("a subject view fails before Auth0 is asked for the profile", async () => {
    await expect(readSubjectAudit(actor, subject.id, { directory: untouchableDirectory })).rejects.toThrow(
      /access log unavailable/,
    );
  });

  it("an export (a receipt download) fails", async () => {
    await expect(issueStaffReceipt(actor, subject.id, eventId)).rejects.toThrow(/access log unavailable/);
  });

  it("the consent API's read of a person fails (its read and its row are two statements, not one transaction)", async () => {
    await expect(readPersonConsent({ subjectId: subject.id }, apiClient)).rejects.toThrow(/access log unavailable/);
    await expect(readPersonConsent({ auth0UserId: subject.auth0UserId! }, apiClient)).rejects.toThrow(
      /access log unavailable/,
    );
  });

  it("reading the access log itself fails", async () => {
    await expect(viewAccessLog(actor, {})).rejects.toThrow(/access log unavailable/);
  });

  it("a proxied Management API read is not returned, and a proxied write is not sent", async () => {
    const read = handleMgmtRequest(
      actor,
      {
        method: "GET",
        segments: ["users-by-email"],
        query: new URLSearchParams({ email: subject.email! }),
        contentType: null,
        body: null,
      },
      { fetchUpstream: upstream },
    );
    await expect(read).rejects.toThrow(/access log unavailable/);
    const callsAfterRead = upstreamCalls;
    const write = handleMgmtRequest(
      actor,
      {
        method: "DELETE",
        segments: ["users", subject.auth0UserId!],
        query: new URLSearchParams(),
        contentType: null,
        body: null,
      },
      { fetchUpstream: upstream },
    );
    await expect(write).rejects.toThrow(/access log unavailable/);
    expect(upstreamCalls).toBe(callsAfterRead);
  });

  it("nothing was logged while the log was down (so nothing was read)", async () => {
    const rows = await db().accessLog.findMany({ where: { actorId: actor.id } });
    expect(rows).toHaveLength(2);
    expect(await db().accessLog.count({ where: { actorId: apiClient.id } })).toBe(1);
  });
});
