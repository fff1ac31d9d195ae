import "server-only";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import { computeEmailBlindIndex } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import { db, type Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { changeStaffStandingThroughProxy } from "@/lib/admin/change-staff-standing-through-proxy";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { auth0Directory, type Auth0Directory } from "../auth0-directory";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { AccessLogEntry } from "@/lib/ledger/schemas";
import { readWithAccessLog } from "../read-with-access-log";
import type { Actor } from "@/lib/auth/actor";
import { callAuth0, upstreamFetch, type ProxyResponse, type UpstreamFetch } from "./call-auth0";
import { countResults, describeSearch, subjectIdsFor, userIdsIn } from "./describe-proxy-access";
import { parseProxyBody } from "./parse-proxy-body";
import {
  matchProxyRoute,
  updateUserBodySchema,
  upstreamPath,
  usersExportBodySchema,
  type ProxyRoute,
} from "./proxy-routes";
import { updateUserThroughLedger } from "./update-user-through-ledger";

export { MAX_BODY_BYTES } from "./parse-proxy-body";

export interface ProxyRequest {
  method: string;
  /** Path segments after /api/mgmt/v2/, decoded. */
  segments: string[];
  query: URLSearchParams;
  contentType: string | null;
  /** The body, unread: only a route that takes one reads it, after the role check (parse-proxy-body.ts). */
  body: ReadableStream<Uint8Array> | null;
}

export interface ProxyDependencies {
  fetchUpstream?: UpstreamFetch;
  directory?: Auth0Directory;
  /** Reads users' roles for the role rules (changeStaffStandingThroughProxy). */
  gateway?: Auth0Gateway;
}

const accessAction = (method: string) => (method === "GET" ? "mgmt.read" : "mgmt.write");

/**
 * The Management API proxy (`/api/mgmt/v2/*`, ADR 012): allow-list, role, validation, access
 * log, and the ledger for consent. Reads are logged in the transaction that maps the people
 * returned to subjects, before the response leaves; writes are logged (with any ledger events
 * for `user_metadata.consent`) before they are sent to Auth0. What Auth0 answers is returned;
 * a request the portal refuses is logged as refused and thrown as an AppError, which
 * `defineStaffRoute` renders in Auth0's error shape.
 */
export async function handleMgmtRequest(
  actor: Actor,
  request: ProxyRequest,
  dependencies: ProxyDependencies = {},
): Promise<ProxyResponse> {
  const fetchUpstream = dependencies.fetchUpstream ?? upstreamFetch;
  // Per caller: a token counts on its own, a session as its person.
  await consumeRateLimit("proxyPerCaller", actor.via.type === "api_token" ? `token:${actor.via.tokenId}` : actor.id);
  let route: ProxyRoute;
  try {
    route = matchProxyRoute(request.method, request.segments, request.query);
  } catch (failure) {
    if (failure instanceof AppError) {
      const endpoint = `${request.method} ${request.segments.join("/")}`;
      const refused = failure.errorCode ?? failure.code;
      await appendAccessLog({ action: accessAction(request.method), detail: { endpoint, refused } }, actor);
    }
    throw failure;
  }
  if (route.role === "admin" && !actor.roles.includes("admin")) {
    await appendAccessLog(
      { action: "mgmt.write", detail: { endpoint: route.name, refused: "insufficient_scope" } },
      actor,
    );
    throw new AppError(
      "forbidden",
      "Your role may only read through the proxy: changing users and export jobs need the admin role.",
      { errorCode: "insufficient_scope" },
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
        return await changeStaffStandingThroughProxy(
          { userId: route.userId, removesAccess: true },
          actor,
          dependencies.gateway ?? portalAuth0(),
          () =>
            proxyWrite(actor, route, fetchUpstream, undefined, async (tx) => ({
              action: "mgmt.write",
              subjectId: (await subjectIdsFor([route.userId], tx))[0] ?? null,
              detail: { endpoint: route.name, auth0UserId: route.userId },
            })),
        );
      case "create_users_export": {
        const body = await parseProxyBody(request, usersExportBodySchema);
        return await proxyWrite(actor, route, fetchUpstream, JSON.stringify(body), () =>
          Promise.resolve({
            action: "mgmt.write",
            detail: { endpoint: route.name, export: true, format: body.format ?? "csv" },
          }),
        );
      }
      case "update_user": {
        const body = await parseProxyBody(request, updateUserBodySchema);
        const directory = dependencies.directory ?? auth0Directory();
        const forward = () => updateUserThroughLedger(actor, route, body, fetchUpstream, directory);
        const appMetadata = body.app_metadata ?? {};
        const removesAccess = body.blocked === true || appMetadata.deleted === true;
        // Roles and access follow the roles page's rules on this path too (last admin, change log, sessions).
        if (!("roles" in appMetadata) && !removesAccess) return await forward();
        return await changeStaffStandingThroughProxy(
          { userId: route.userId, rolesAfter: appMetadata.roles, removesAccess },
          actor,
          dependencies.gateway ?? portalAuth0(),
          forward,
        );
      }
    }
  } catch (failure) {
    // Refused writes are on record too (a refused write's own log row, if any, was rolled back).
    if (failure instanceof AppError) {
      const subjectId = route.name === "update_user" ? ((await subjectIdsFor([route.userId], db()))[0] ?? null) : null;
      await appendAccessLog(
        {
          action: accessAction(request.method),
          subjectId,
          detail: { endpoint: route.name, refused: failure.errorCode ?? failure.code, status: failure.status },
        },
        actor,
      );
    }
    throw failure;
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
  await inTransaction(undefined, async (tx) => appendAccessLog(await record(tx), actor, tx));
  return callAuth0(fetchUpstream, upstreamPath(route), {
    method: route.name === "delete_user" ? "DELETE" : "POST",
    body,
  });
}
