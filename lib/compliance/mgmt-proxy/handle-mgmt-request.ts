import "server-only";
import { z } from "zod";
import { grantConsent } from "@/lib/consent/grant-consent";
import { readConsentMetadata } from "@/lib/consent/read-consent-metadata";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { computeEmailBlindIndex } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { statusText } from "@/lib/http/error-response";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { auth0Directory, type Auth0Directory } from "../auth0-directory";
import { readWithAccessLog } from "../read-with-access-log";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { AccessLogEntry } from "@/lib/ledger/schemas";
import type { Actor } from "@/lib/auth/actor";
import { callAuth0, upstreamFetch, type ProxyResponse, type UpstreamFetch } from "./call-auth0";
import { planConsentChange, type ConsentPlan } from "./plan-consent-change";
import {
  consentPatchSchema,
  matchProxyRoute,
  namedIssues,
  updateUserBodySchema,
  usersExportBodySchema,
  type ProxyRoute,
  type UpdateUserBody,
} from "./proxy-routes";

export interface ProxyRequest {
  method: string;
  /** Path segments after /api/mgmt/v2/, decoded. */
  segments: string[];
  query: URLSearchParams;
  contentType: string | null;
  /** The raw body (read only for PATCH and POST). */
  body: string | null;
}

export interface ProxyDependencies {
  fetchUpstream?: UpstreamFetch;
  directory?: Auth0Directory;
}

/** Bodies are small JSON objects; Auth0's own metadata limit is far below this. */
export const MAX_BODY_BYTES = 1_000_000;

function error(status: number, message: string, errorCode: string, extra: Record<string, unknown> = {}): ProxyResponse {
  return { status, body: { statusCode: status, error: statusText(status), message, errorCode, ...extra } };
}

function fromAppError(failure: AppError): ProxyResponse {
  return error(failure.status, failure.message, failure.code, failure.field ? { field: failure.field } : {});
}

/** A write refused before reaching Auth0: answered with `response`, and logged as refused. */
class Refusal extends Error {
  constructor(
    readonly response: ProxyResponse,
    readonly subjectId: string | null = null,
  ) {
    super("refused");
  }
}

const refuse = (status: number, message: string, errorCode: string, extra: Record<string, unknown> = {}) =>
  new Refusal(error(status, message, errorCode, extra));

const encode = encodeURIComponent;

function upstreamPath(route: ProxyRoute): string {
  switch (route.name) {
    case "get_user":
      return withQuery(`/users/${encode(route.userId)}`, route.query);
    case "users_by_email":
      return withQuery("/users-by-email", route.query);
    case "search_users":
      return withQuery("/users", route.query);
    case "update_user":
    case "delete_user":
      return `/users/${encode(route.userId)}`;
    case "create_users_export":
      return "/jobs/users-exports";
    case "get_job":
      return `/jobs/${encode(route.jobId)}`;
  }
}

function withQuery(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

/** What the access log keeps of a search query: which fields it used and a keyed hash, never its text. */
function describeSearch(query: Record<string, string>): Record<string, unknown> {
  const { q, ...rest } = query;
  if (!q) return { query: rest };
  const fields = [...new Set([...q.matchAll(/([A-Za-z_][\w.]*)\s*:/g)].map((match) => match[1]!))].sort();
  return { query: rest, q: { fields, hash: computeEmailBlindIndex(emailBlindIndexKey(), q) } };
}

/** Auth0 user ids in a users response (a list, or `{ users }` with include_totals). */
function userIdsIn(body: unknown): string[] {
  const list = Array.isArray(body) ? body : ((body as { users?: unknown } | null)?.users ?? (body ? [body] : []));
  if (!Array.isArray(list)) return [];
  return list.flatMap((user) => {
    const id = (user as { user_id?: unknown } | null)?.user_id;
    return typeof id === "string" ? [id] : [];
  });
}

function countResults(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  const users = (body as { users?: unknown } | null)?.users;
  return Array.isArray(users) ? users.length : body ? 1 : 0;
}

async function subjectIdsFor(auth0UserIds: string[], tx: Tx): Promise<string[]> {
  if (auth0UserIds.length === 0) return [];
  const rows = await tx.subject.findMany({ where: { auth0UserId: { in: auth0UserIds } }, select: { id: true } });
  return rows.map((row) => row.id);
}

function parseJsonBody<S extends z.ZodType>(
  request: ProxyRequest,
  schema: S,
): { ok: true; data: z.output<S> } | { ok: false; response: ProxyResponse } {
  const type = request.contentType?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return {
      ok: false,
      response: error(415, "Send the body as application/json.", "unsupported_media_type"),
    };
  }
  const text = request.body ?? "";
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) {
    return { ok: false, response: error(413, "The request body is too large.", "payload_too_large") };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, response: error(400, "Invalid request payload JSON format", "invalid_body") };
  }
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0) {
    const issues = [{ field: "(body)", reason: "Send at least one property" }];
    return {
      ok: false,
      response: error(400, "Payload validation error: send at least one property", "invalid_body", { issues }),
    };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = namedIssues(parsed.error, "Not an allowed property here");
    return {
      ok: false,
      response: error(
        400,
        `Payload validation error: ${issues.map((issue) => `${issue.field}: ${issue.reason}`).join("; ")}`,
        "invalid_body",
        { issues },
      ),
    };
  }
  return { ok: true, data: parsed.data };
}

const accessAction = (method: string) => (method === "GET" ? "mgmt.read" : "mgmt.write");

/**
 * The Management API proxy (`/api/mgmt/v2/*`, ADR 006): allow-list, role, validation, access
 * log, and the ledger for consent. Reads are logged in the transaction that maps the people
 * returned to subjects, before the response leaves; writes are logged (with any ledger events
 * for `user_metadata.consent`) before they are sent to Auth0.
 */
export async function handleMgmtRequest(
  actor: Actor,
  request: ProxyRequest,
  dependencies: ProxyDependencies = {},
): Promise<ProxyResponse> {
  const fetchUpstream = dependencies.fetchUpstream ?? upstreamFetch;
  const endpoint = `${request.method} ${request.segments.join("/")}`;
  const match = matchProxyRoute(request.method, request.segments, request.query);
  if (!match.ok) {
    await appendAccessLog({ action: accessAction(request.method), detail: { endpoint, refused: match.errorCode } }, actor);
    return error(match.status, match.message, match.errorCode, match.issues ? { issues: match.issues } : {});
  }
  const { route } = match;
  if (route.role === "admin" && !actor.roles.includes("admin")) {
    await appendAccessLog({ action: "mgmt.write", detail: { endpoint: route.name, refused: "insufficient_scope" } }, actor);
    return error(
      403,
      "Your role may only read through the proxy: changing users and export jobs need the admin role.",
      "insufficient_scope",
    );
  }
  try {
    switch (route.name) {
      case "get_user":
      case "users_by_email":
      case "search_users":
      case "get_job":
        return await proxyRead(actor, route, fetchUpstream);
      case "delete_user":
        return await proxyWrite(actor, route, fetchUpstream, undefined, async (tx) => ({
          action: "mgmt.write",
          subjectId: (await subjectIdsFor([route.userId], tx))[0] ?? null,
          detail: { endpoint: route.name, auth0UserId: route.userId },
        }));
      case "create_users_export": {
        const body = parseJsonBody(request, usersExportBodySchema);
        if (!body.ok) throw new Refusal(body.response);
        return await proxyWrite(actor, route, fetchUpstream, JSON.stringify(body.data), () =>
          Promise.resolve({
            action: "mgmt.write",
            detail: { endpoint: route.name, export: true, format: body.data.format ?? "csv" },
          }),
        );
      }
      case "update_user": {
        const body = parseJsonBody(request, updateUserBodySchema);
        if (!body.ok) throw new Refusal(body.response);
        return await updateUser(actor, route, body.data, fetchUpstream, dependencies.directory ?? auth0Directory());
      }
    }
  } catch (failure) {
    // Refused writes are on record too (a refused write's own log row, if any, was rolled back).
    const refusal =
      failure instanceof Refusal ? failure : failure instanceof AppError ? new Refusal(fromAppError(failure)) : null;
    if (!refusal) throw failure;
    const body = refusal.response.body as { errorCode?: string };
    await appendAccessLog({
      action: accessAction(request.method),
      subjectId: refusal.subjectId,
      detail: { endpoint: route.name, refused: body.errorCode ?? "error", status: refusal.response.status },
    }, actor);
    return refusal.response;
  }
}

async function proxyRead(
  actor: Actor,
  route: Extract<ProxyRoute, { name: "get_user" | "users_by_email" | "search_users" | "get_job" }>,
  fetchUpstream: UpstreamFetch,
): Promise<ProxyResponse> {
  const response = await callAuth0(fetchUpstream, upstreamPath(route), { method: "GET" });
  // The response is returned only once this row has committed.
  await readWithAccessLog(
    actor,
    async (tx) => {
      if (route.name === "get_job") return [];
      const ids = await subjectIdsFor(route.name === "get_user" ? [route.userId] : userIdsIn(response.body), tx);
      if (route.name !== "users_by_email") return ids;
      // `fields=user_metadata` (the seed's example) returns no user_id: the email's blind index still says who.
      const byEmail = await tx.subject.findMany({
        where: { emailBlindIndex: computeEmailBlindIndex(emailBlindIndexKey(), route.query.email) },
        select: { id: true },
      });
      return [...new Set([...ids, ...byEmail.map((row) => row.id)])];
    },
    (subjectIds): AccessLogEntry => ({
      action: "mgmt.read",
      subjectId: subjectIds.length === 1 ? subjectIds[0] : null,
      detail: {
        endpoint: route.name,
        status: response.status,
        ...(route.name === "get_user" ? { auth0UserId: route.userId, query: route.query } : {}),
        ...(route.name === "users_by_email"
          ? { emailBlindIndex: computeEmailBlindIndex(emailBlindIndexKey(), route.query.email) }
          : {}),
        ...(route.name === "search_users" ? describeSearch(route.query) : {}),
        ...(route.name === "get_job" ? { jobId: route.jobId } : {}),
        ...(response.status < 300 ? { results: countResults(response.body) } : {}),
        subjectIds: subjectIds.slice(0, 100),
      },
    }),
  );
  return response;
}

async function proxyWrite(
  actor: Actor,
  route: ProxyRoute,
  fetchUpstream: UpstreamFetch,
  body: string | undefined,
  record: (tx: Tx) => Promise<AccessLogEntry>,
): Promise<ProxyResponse> {
  await db().$transaction(async (tx) => appendAccessLog(await record(tx), actor, tx));
  return callAuth0(fetchUpstream, upstreamPath(route), {
    method: route.name === "delete_user" ? "DELETE" : "POST",
    body,
  });
}

/**
 * PATCH /users/{id}. A change to `user_metadata.consent` is first recorded in the ledger (method
 * `api`, the staff member as actor), and Auth0 then receives the ledger's projection in its place,
 * so Auth0 never holds a consent the ledger cannot prove. Removing the consent object of a person
 * the ledger has decisions for is refused: withdrawal is a decision, not a deletion.
 */
async function updateUser(
  actor: Actor,
  route: Extract<ProxyRoute, { name: "update_user" }>,
  body: UpdateUserBody,
  fetchUpstream: UpstreamFetch,
  directory: Auth0Directory,
): Promise<ProxyResponse> {
  const consent = body.user_metadata?.consent;
  const clearsMetadata = body.user_metadata !== undefined && Object.keys(body.user_metadata).length === 0;
  const detail = { endpoint: route.name, auth0UserId: route.userId, properties: Object.keys(body).sort() };
  let subject = await db().subject.findUnique({ where: { auth0UserId: route.userId } });

  if (consent === null || clearsMetadata) {
    if (subject && subject.lastSeq > 0) {
      throw new Refusal(
        error(
          409,
          'user_metadata.consent mirrors the consent ledger and cannot be removed. To withdraw, send {"user_metadata":{"consent":{"given":false}}} (or purposes).',
          "consent_managed_by_ledger",
          { field: "user_metadata.consent" },
        ),
        subject.id,
      );
    }
  }

  if (consent === undefined || consent === null) {
    await appendAccessLog({ action: "mgmt.write", subjectId: subject?.id ?? null, detail }, actor);
    return callAuth0(fetchUpstream, upstreamPath(route), { method: "PATCH", body: JSON.stringify(body) });
  }

  const patch = consentPatchSchema.parse(consent);
  if (!subject) {
    // Known to Auth0 only: the ledger starts here, with this decision.
    const person = await directory.findById(route.userId);
    if (!person) throw refuse(404, "The user does not exist.", "inexistent_user");
    if (!person.email) throw refuse(409, "This Auth0 user has no email address.", "no_email");
    if (person.flaggedDeleted) {
      throw refuse(409, "This Auth0 user is flagged as deleted; record nothing for them.", "user_flagged_deleted");
    }
    await ensureSubject({ auth0UserId: person.userId, email: person.email, name: person.name });
    subject = await db().subject.findUniqueOrThrow({ where: { auth0UserId: route.userId } });
  }
  const subjectId = subject.id;
  const status = await readConsentStatus(subjectId);
  if (!status || status.erased) throw refuse(410, "This person's data was erased.", "subject_erased");
  const plan = planConsentChange(
    patch,
    status.purposes.map((row) => ({
      key: row.purpose.key,
      required: row.purpose.required,
      policyKind: row.purpose.policyKind,
      granted: row.status === "granted",
    })),
    { terms: status.currentPolicies.terms?.version ?? null, privacy: status.currentPolicies.privacy?.version ?? null },
  );
  const reason = `Management API proxy: PATCH /users/${route.userId}${actor.via.type === "api_token" ? ` (staff API token ${actor.via.tokenId})` : ""}`;
  await db().$transaction(
    async (tx) => {
      await appendAccessLog({ action: "mgmt.write", subjectId, detail: { ...detail, consent: plan } }, actor, tx);
      await recordPlan(subjectId, plan, actor, reason, status.currentPolicies, tx);
    },
    { maxWait: 15_000, timeout: 30_000 },
  );
  const projected = await readConsentMetadata(subjectId);
  const forwarded = { ...body, user_metadata: { ...body.user_metadata, consent: projected } };
  return callAuth0(fetchUpstream, upstreamPath(route), { method: "PATCH", body: JSON.stringify(forwarded) });
}

async function recordPlan(
  subjectId: string,
  plan: ConsentPlan,
  actor: Actor,
  reason: string,
  current: Record<string, { id: string } | null>,
  tx: Tx,
) {
  if (plan.grant.length > 0) {
    await grantConsent(
      {
        subjectId,
        purposes: plan.grant,
        policyVersionIds: Object.values(current).flatMap((version) => (version ? [version.id] : [])),
        method: "api",
        reason,
      },
      actor,
      tx,
    );
  }
  if (plan.withdraw.length > 0) {
    await withdrawConsent({ subjectId, purposes: plan.withdraw, method: "api", reason }, actor, tx);
  }
}
