import type { ManagementClient } from "auth0";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "@/emulator/server";
import { seedCatalog, signUp } from "@/test/consent-fixtures";
import { db } from "@/lib/db/client";
import { createAuth0Gateway, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { createManagementClient } from "@/lib/auth0/management-client";
import { AppError } from "@/lib/errors";
import { appErrorAnswer } from "@/lib/http/error-response";
import { readSubjectByAuth0UserId } from "@/lib/subjects/read-subject";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { auth0Directory } from "../auth0-directory";
import type { Actor } from "@/lib/auth/actor";
import type { UpstreamFetch } from "./call-auth0";
import { endlessBody } from "@/test/endless-body";
import { handleMgmtRequest, MAX_BODY_BYTES, type ProxyRequest } from "./handle-mgmt-request";
import { adminActor, staffActor } from "@/test/actors";

const admin = adminActor("auth0|proxy-admin");
const compliance = staffActor("auth0|proxy-compliance");

let tenant: TestTenant;
let emulator: RunningEmulator;
let mgmt: ManagementClient;
let gateway: Auth0Gateway;
let fetchUpstream: UpstreamFetch;
let upstreamPaths: string[] = [];
let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "update:users", "delete:users"],
    exportJobDelayMs: 0,
  });
  emulator = tenant.emulator;
  const config = { ...tenant.credentials, retry: { baseDelayMs: 5, maxDelayMs: 50 } };
  mgmt = createManagementClient(config);
  gateway = createAuth0Gateway(config);
  fetchUpstream = (path, init) => {
    upstreamPaths.push(`${init.method} ${path}`);
    return gateway.request(path, init);
  };
  policies = await seedCatalog();
});

afterAll(async () => {
  await tenant?.close();
});

beforeEach(() => {
  emulator.faults.configure({});
  upstreamPaths = [];
});

function call(actor: Actor, method: string, path: string, body?: unknown, contentType = "application/json") {
  const url = new URL(path, "http://portal.test/");
  const request: ProxyRequest = {
    method,
    segments: url.pathname.split("/").filter(Boolean).map(decodeURIComponent),
    query: url.searchParams,
    contentType: body === undefined ? null : contentType,
    body: body === undefined ? null : new Response(typeof body === "string" ? body : JSON.stringify(body)).body,
  };
  // What the route answers: Auth0's answer, or a refusal rendered as `defineStaffRoute` renders it.
  return handleMgmtRequest(actor, request, { fetchUpstream, directory: auth0Directory(() => gateway), gateway }).catch(
    (failure: unknown) => {
      if (failure instanceof AppError) return appErrorAnswer("auth0", failure);
      throw failure;
    },
  );
}

let counter = 0;
async function auth0User(userMetadata?: Record<string, unknown>) {
  counter += 1;
  const email = `proxy.${counter}.${Date.now()}@example.com`;
  const user = await mgmt.users.create({
    connection: "Username-Password-Authentication",
    email,
    password: "Str0ng-enough-pass",
    ...(userMetadata ? { user_metadata: userMetadata } : {}),
  });
  return { userId: user.user_id!, email };
}

const lastLog = (actorId: string) => db().accessLog.findFirstOrThrow({ where: { actorId }, orderBy: { at: "desc" } });
const eventsOf = async (auth0UserId: string) => {
  const subject = await readSubjectByAuth0UserId(auth0UserId);
  return subject
    ? db().consentEvent.findMany({
        where: { subjectId: subject.id },
        orderBy: { seq: "asc" },
        include: { purpose: true },
      })
    : [];
};

describe("Management API proxy: the seed's read examples", () => {
  it("users-by-email with fields=user_metadata answers as Auth0 does, and is logged by blind index", async () => {
    const legacy = { consent: { given: true, date: "01/23/2018", text_details: "some-url" } };
    const { email } = await auth0User(legacy);
    const response = await call(
      compliance,
      "GET",
      `/users-by-email?email=${encodeURIComponent(email)}&fields=user_metadata`,
    );
    expect(response).toEqual({ status: 200, body: [{ user_metadata: legacy }] });
    const log = await lastLog(compliance.id);
    expect(log).toMatchObject({ action: "mgmt.read", detail: { endpoint: "users_by_email", status: 200, results: 1 } });
    expect(JSON.stringify(log.detail)).not.toContain(email);
  });

  it("users/{id} with fields and include_fields, and search with q, pass the shapes through", async () => {
    const { userId, email } = await auth0User({ hobby: "surfing" });
    expect(await call(compliance, "GET", `/users/${encodeURIComponent(userId)}?fields=user_metadata`)).toEqual({
      status: 200,
      body: { user_metadata: { hobby: "surfing" } },
    });
    const without = await call(
      compliance,
      "GET",
      `/users/${encodeURIComponent(userId)}?fields=user_metadata,identities&include_fields=false`,
    );
    expect(without.body).toMatchObject({ user_id: userId, email });
    expect(without.body).not.toHaveProperty("user_metadata");

    const search = await call(
      compliance,
      "GET",
      `/users?q=${encodeURIComponent(`email:"${email}"`)}&search_engine=v3&include_totals=true&fields=user_id,email`,
    );
    expect(search).toMatchObject({ status: 200, body: { total: 1, users: [{ user_id: userId, email }] } });
    const log = await lastLog(compliance.id);
    expect(log.detail).toMatchObject({ endpoint: "search_users", q: { fields: ["email"] } });
    expect(JSON.stringify(log.detail)).not.toContain(email);
  });

  it("answers a missing user with Auth0's status and code, and a fixed message", async () => {
    expect(await call(compliance, "GET", "/users/auth0%7Cnobody")).toEqual({
      status: 404,
      body: { statusCode: 404, error: "Not Found", message: "The user does not exist.", errorCode: "inexistent_user" },
    });
  });
});

describe("Management API proxy: roles, allow-list and validation", () => {
  it("lets compliance read but not write, and logs the refusal without calling Auth0", async () => {
    const { userId } = await auth0User();
    for (const [method, path, body] of [
      ["PATCH", `/users/${encodeURIComponent(userId)}`, { app_metadata: { deleted: true } }],
      ["DELETE", `/users/${encodeURIComponent(userId)}`, undefined],
      ["POST", "/jobs/users-exports", { format: "json" }],
    ] as const) {
      const response = await call(compliance, method, path, body);
      expect(response).toMatchObject({ status: 403, body: { statusCode: 403, errorCode: "insufficient_scope" } });
    }
    expect(upstreamPaths).toEqual([]);
    expect(await lastLog(compliance.id)).toMatchObject({
      action: "mgmt.write",
      detail: { refused: "insufficient_scope" },
    });
  });

  it("refuses what is not on the allow-list, naming what is", async () => {
    for (const [method, path] of [
      ["GET", "/clients/abc"],
      ["POST", "/users"],
      ["GET", "/users/auth0%7Cx/roles"],
      ["PUT", "/users/auth0%7Cx"],
    ] as const) {
      const response = await call(admin, method, path);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ errorCode: "not_found" });
      expect((response.body as { message: string }).message).toContain("Allowed:");
    }
    expect(upstreamPaths).toEqual([]);
  });

  it("answers bad input with 400s that name the field", async () => {
    expect(await call(compliance, "GET", "/users-by-email?email=not-an-email")).toMatchObject({
      status: 400,
      body: { errorCode: "invalid_query_string", issues: [{ field: "email" }] },
    });
    const paging = await call(compliance, "GET", "/users?per_page=500&foo=1");
    expect(paging).toMatchObject({ status: 400, body: { errorCode: "invalid_query_string" } });
    const fields = (paging.body as { issues: Array<{ field: string }> }).issues.map((issue) => issue.field);
    expect(fields).toContain("per_page");
    expect(fields).toContain("foo");
    expect(await call(compliance, "GET", "/users/not-an-auth0-id")).toMatchObject({
      status: 400,
      body: { errorCode: "invalid_uri" },
    });
    const { userId } = await auth0User();
    const path = `/users/${encodeURIComponent(userId)}`;
    expect(await call(admin, "PATCH", path, { password: "new-password-123" })).toMatchObject({
      status: 400,
      body: { errorCode: "invalid_body", issues: [{ field: "password", reason: "Not an allowed property here" }] },
    });
    expect(await call(admin, "PATCH", path, { user_metadata: { consent: { given: "yes" } } })).toMatchObject({
      status: 400,
      body: { issues: [{ field: "user_metadata.consent.given", reason: "Expected true or false" }] },
    });
    expect(await call(admin, "PATCH", path, "{not json")).toMatchObject({
      status: 400,
      body: { errorCode: "invalid_body" },
    });
    expect(await call(admin, "PATCH", path, { name: "x" }, "text/plain")).toMatchObject({ status: 415 });
    expect(upstreamPaths).toEqual([]);
    // Refused writes are on record too.
    expect(await lastLog(admin.id)).toMatchObject({
      action: "mgmt.write",
      detail: { endpoint: "update_user", refused: "unsupported_media_type", status: 415 },
    });
  });
});

describe("Management API proxy: consent passing through becomes ledger events", () => {
  it("records the seed's legacy consent PATCH for a person only Auth0 knew, and stores the projection in Auth0", async () => {
    const { userId } = await auth0User();
    const response = await call(admin, "PATCH", `/users/${encodeURIComponent(userId)}`, {
      user_metadata: { consent: { given: true, date: "01/23/2018", text_details: "some-url" } },
    });
    expect(response.status).toBe(200);
    const events = await eventsOf(userId);
    expect(
      events.map((event) => [event.action, event.purpose?.key, event.method, event.actorType, event.actorId]),
    ).toEqual([["granted", "terms", "api", "staff", admin.id]]);
    expect(events[0]!.actorReason).toContain("Management API proxy");
    expect(events[0]!.policyVersionId).toBe(policies.termsId);
    // Auth0 holds what the ledger can prove, in place of the client's free-form object.
    const consent = (response.body as { user_metadata: { consent: Record<string, unknown> } }).user_metadata.consent;
    expect(consent).toMatchObject({ given: true, version: "1", purposes: { terms: true } });
    const stored = (await mgmt.users.get(userId)) as { user_metadata?: { consent?: unknown } };
    expect(stored.user_metadata?.consent).toEqual(consent);
    expect(await lastLog(admin.id)).toMatchObject({
      action: "mgmt.write",
      detail: { consent: { grant: ["terms"], withdraw: [] } },
    });
  });

  it("records only changes: grants and withdrawals per purpose, nothing for a repeat", async () => {
    const { userId, email } = await auth0User();
    // Verified: marketing emails are granted at sign-up, not held for the address (ADR 040).
    const subject = await ensureSubject({ auth0UserId: userId, email, emailVerified: true });
    await signUp(subject.id, ["terms", "marketing-email"]);
    const path = `/users/${encodeURIComponent(userId)}`;
    const body = {
      user_metadata: { consent: { purposes: { terms: true, analytics: true, "marketing-email": false } } },
    };
    expect((await call(admin, "PATCH", path, body)).status).toBe(200);
    expect((await call(admin, "PATCH", path, body)).status).toBe(200);
    const events = await eventsOf(userId);
    expect(events.map((event) => [event.seq, event.action, event.purpose?.key, event.method])).toEqual([
      [1, "granted", "marketing-email", "signup"],
      [2, "granted", "terms", "signup"],
      [3, "granted", "analytics", "api"],
      [4, "withdrawn", "marketing-email", "api"],
    ]);
  });

  it("passes other metadata through untouched and records nothing (the seed's root-property example)", async () => {
    const { userId } = await auth0User();
    const response = await call(admin, "PATCH", `/users/${encodeURIComponent(userId)}`, {
      user_metadata: { consentDate: "01/24/2018" },
      app_metadata: { plan: "full" },
    });
    expect(response).toMatchObject({
      status: 200,
      body: { user_metadata: { consentDate: "01/24/2018" }, app_metadata: { plan: "full" } },
    });
    expect(await eventsOf(userId)).toEqual([]);
  });

  it("refuses to remove the consent of a person the ledger has decisions for", async () => {
    const { userId } = await auth0User();
    const path = `/users/${encodeURIComponent(userId)}`;
    await call(admin, "PATCH", path, { user_metadata: { consent: { given: true } } });
    for (const body of [{ user_metadata: {} }, { user_metadata: { consent: null } }]) {
      expect(await call(admin, "PATCH", path, body)).toMatchObject({
        status: 409,
        body: { errorCode: "consent_managed_by_ledger", field: "user_metadata.consent" },
      });
    }
    const stored = (await mgmt.users.get(userId)) as { user_metadata?: { consent?: unknown } };
    expect(stored.user_metadata?.consent).toMatchObject({ given: true });
  });

  it("refuses a grant under a version that is not current", async () => {
    const { userId } = await auth0User();
    expect(
      await call(admin, "PATCH", `/users/${encodeURIComponent(userId)}`, {
        user_metadata: { consent: { purposes: { analytics: true }, version: "0.9" } },
      }),
    ).toMatchObject({ status: 409, body: { errorCode: "policy_outdated", field: "user_metadata.consent.version" } });
    expect(await eventsOf(userId)).toEqual([]);
  });
});

describe("Management API proxy: writes, jobs and upstream failures", () => {
  it("deletes a user (logged with their subject) and answers 204", async () => {
    const { userId, email } = await auth0User();
    const subject = await ensureSubject({ auth0UserId: userId, email });
    expect(await call(admin, "DELETE", `/users/${encodeURIComponent(userId)}`)).toEqual({ status: 204, body: null });
    expect(await lastLog(admin.id)).toMatchObject({ action: "mgmt.write", subjectId: subject.id });
    expect(await call(admin, "GET", `/users/${encodeURIComponent(userId)}`)).toMatchObject({ status: 404 });
  });

  it("creates a users-export job and reads it back", async () => {
    const created = await call(admin, "POST", "/jobs/users-exports", {
      format: "json",
      fields: [{ name: "email" }, { name: "user_metadata.consent", export_as: "consent" }],
    });
    expect(created).toMatchObject({ status: 201, body: { type: "users_export" } });
    expect((created.body as { id: string }).id).toMatch(/^job_/);
    const jobId = (created.body as { id: string }).id;
    const job = await call(admin, "GET", `/jobs/${jobId}`);
    expect(job).toMatchObject({ status: 200, body: { id: jobId } });
    expect(await call(compliance, "GET", `/jobs/${jobId}`)).toMatchObject({ status: 403 });
  });

  it("turns Auth0 outages and rate limits into fixed bodies that reveal nothing upstream", async () => {
    emulator.faults.configure({ failNext: 20, errorStatus: 503 });
    expect(await call(compliance, "GET", "/users?q=email%3A%22x%40example.com%22")).toEqual({
      status: 502,
      body: {
        statusCode: 502,
        error: "Bad Gateway",
        message: "Auth0 could not complete the request. Try again later.",
        errorCode: "upstream_unavailable",
      },
    });
    emulator.faults.configure({ rateLimitNext: 20 });
    const limited = await call(compliance, "GET", "/users-by-email?email=x%40example.com");
    expect(limited).toMatchObject({ status: 503, body: { errorCode: "upstream_rate_limited" } });
    expect(limited.headers?.["retry-after"]).toMatch(/^\d+$/);
    // Even an outage is on record.
    expect(await lastLog(compliance.id)).toMatchObject({ action: "mgmt.read", detail: { status: 503 } });
  });
});

describe("Management API proxy: bounded bodies", () => {
  function send(actor: Actor, method: string, path: string, body: ReadableStream<Uint8Array>) {
    const url = new URL(path, "http://portal.test/");
    return handleMgmtRequest(
      actor,
      {
        method,
        segments: url.pathname.split("/").filter(Boolean).map(decodeURIComponent),
        query: url.searchParams,
        contentType: "application/json",
        body,
      },
      { fetchUpstream, directory: auth0Directory(() => gateway) },
    ).catch((failure: unknown) => {
      if (failure instanceof AppError) return appErrorAnswer("auth0", failure);
      throw failure;
    });
  }

  it("stops reading a body that never ends at 1 MB and answers 413, calling Auth0 for nothing", async () => {
    const { userId } = await auth0User();
    const { stream, state } = endlessBody();
    const response = await send(admin, "PATCH", `/users/${encodeURIComponent(userId)}`, stream);
    expect(response).toMatchObject({ status: 413, body: { errorCode: "payload_too_large" } });
    expect(state.pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + 64 * 1024);
    expect(state.cancelled).toBe(true);
    expect(upstreamPaths).toEqual([]);
    expect((await lastLog(admin.id)).detail).toMatchObject({ endpoint: "update_user", refused: "payload_too_large" });
  });

  it("reads no byte of a body the caller's role or the allow-list refuses", async () => {
    const { userId } = await auth0User();
    const refusedRole = endlessBody();
    expect(await send(compliance, "PATCH", `/users/${encodeURIComponent(userId)}`, refusedRole.stream)).toMatchObject({
      status: 403,
    });
    const unknownRoute = endlessBody();
    expect(await send(admin, "POST", "/users", unknownRoute.stream)).toMatchObject({ status: 404 });
    expect([refusedRole.state.pulled, unknownRoute.state.pulled]).toEqual([0, 0]);
  });

  it("refuses JSON nested deeper than 32 levels with 400 and logs no write that did not happen", async () => {
    const { userId } = await auth0User();
    const path = `/users/${encodeURIComponent(userId)}`;
    const nestedMetadata = (levels: number) => `{"user_metadata":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`;
    const before = await db().accessLog.count({ where: { actorId: admin.id } });
    const deep = await send(admin, "PATCH", path, new Response(nestedMetadata(100_000)).body!);
    expect(deep).toMatchObject({ status: 400, body: { errorCode: "invalid_body" } });
    const rows = await db().accessLog.findMany({ where: { actorId: admin.id }, orderBy: { at: "asc" }, skip: before });
    expect(rows.map((row) => row.detail)).toEqual([
      expect.objectContaining({ endpoint: "update_user", refused: "invalid_body" }),
    ]);
    expect(upstreamPaths).toEqual([]);
    // 32 levels in all (the body, user_metadata and 30 more) still pass through.
    const deepest = await send(admin, "PATCH", path, new Response(nestedMetadata(30)).body!);
    expect(deepest.status).toBe(200);
  });
});
