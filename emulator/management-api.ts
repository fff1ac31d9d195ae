import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { connectionResource, TENANT_NAME, type DatabaseConnection } from "./connections.js";
import { checkPassword } from "./password-policy.js";
import { ManagementApiError, validationError } from "./errors.js";
import { decodeSegments, parseBody, readJsonBody, sendJson } from "./http.js";
import { requireScope, type ManagementTokens, type VerifiedToken } from "./management-tokens.js";
import type { BruteForceProtection } from "./brute-force.js";
import {
  assertAppMetadataFields,
  assertMetadataKeys,
  assertMetadataSize,
  mergeClientMetadata,
  mergeMetadata,
} from "./metadata.js";
import { hashPassword } from "./passwords.js";
import {
  DATABASE_CONNECTION,
  TenantStore,
  type StoredClient,
  type StoredClientGrant,
  type StoredUser,
} from "./store.js";
import {
  assertKnownQueryParameters,
  defaultPicture,
  projectFields,
  readBoolean,
  readFieldSelection,
  readInteger,
  toAuth0User,
} from "./user-profile.js";
import { compileUserQuery } from "./user-search.js";
import type { Auth0Session, TenantSessions } from "./tenant-sessions.js";
import { passwordChangeTicketSchema, type PasswordReset } from "./password-reset.js";
import { createUsersExportSchema, type UsersExportJobs } from "./users-exports.js";
import {
  emailVerificationTicketSchema,
  verificationEmailJobSchema,
  type EmailVerification,
} from "./email-verification.js";

export interface ManagementApiContext {
  store: TenantStore;
  bruteForce: BruteForceProtection;
  emailVerification: EmailVerification;
  passwordReset: PasswordReset;
  sessions: TenantSessions;
  tokens: ManagementTokens;
  exports: UsersExportJobs;
  connection: DatabaseConnection;
  metadataLimitBytes: number;
}

/** Auth0 pages through at most the first 1,000 results of a user search. */
const SEARCH_RESULT_CAP = 1000;
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 50;

const SCOPES = {
  readUsers: ["read:users"],
  createUsers: ["create:users"],
  updateUsers: ["update:users", "update:users_app_metadata"],
  deleteUsers: ["delete:users"],
  readJobs: ["create:users", "read:users", "create:passwords_checking_job"],
  readConnections: ["read:connections"],
  readClients: ["read:clients", "read:client_keys"],
  updateClients: ["update:clients", "update:client_keys"],
  createClients: ["create:clients"],
  deleteClients: ["delete:clients"],
  readClientGrants: ["read:client_grants"],
  createClientGrants: ["create:client_grants"],
  deleteClientGrants: ["delete:client_grants"],
  createUserTickets: ["create:user_tickets"],
  readSessions: ["read:sessions"],
  deleteSessions: ["delete:sessions"],
} as const;

const metadataObject = z.record(z.string(), z.unknown());

const createUserSchema = z.strictObject({
  connection: z.string().min(1),
  email: z.email().optional(),
  password: z.string().min(1).optional(),
  user_id: z.string().min(1).max(255).optional(),
  email_verified: z.boolean().optional(),
  verify_email: z.boolean().optional(),
  blocked: z.boolean().optional(),
  given_name: z.string().min(1).max(150).optional(),
  family_name: z.string().min(1).max(150).optional(),
  name: z.string().min(1).max(300).optional(),
  nickname: z.string().min(1).max(300).optional(),
  picture: z.url().optional(),
  user_metadata: metadataObject.optional(),
  app_metadata: metadataObject.optional(),
  // Known to Auth0 but meaningless for this tenant's email/password connection: refused below.
  phone_number: z.string().optional(),
  phone_verified: z.boolean().optional(),
  username: z.string().optional(),
});

const updateUserSchema = z.strictObject({
  blocked: z.boolean().optional(),
  email_verified: z.boolean().optional(),
  email: z.email().optional(),
  password: z.string().min(1).optional(),
  verify_email: z.boolean().optional(),
  verify_password: z.boolean().optional(),
  given_name: z.string().min(1).max(150).optional(),
  family_name: z.string().min(1).max(150).optional(),
  name: z.string().min(1).max(300).optional(),
  nickname: z.string().min(1).max(300).optional(),
  picture: z.url().optional(),
  user_metadata: metadataObject.optional(),
  app_metadata: metadataObject.optional(),
  connection: z.string().min(1).optional(),
  client_id: z.string().min(1).optional(),
  phone_number: z.string().optional(),
  phone_verified: z.boolean().optional(),
  verify_phone_number: z.boolean().optional(),
  username: z.string().optional(),
});

const updateClientSchema = z.strictObject({
  name: z.string().min(1).optional(),
  client_metadata: metadataObject.optional(),
});

// The part of Auth0's client body the emulator keeps; other known properties are refused below.
const createClientSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().max(140).optional(),
  app_type: z.enum(["regular_web", "non_interactive"]).optional(),
  grant_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.enum(["client_secret_post", "client_secret_basic"]).optional(),
  client_metadata: metadataObject.optional(),
});

const createClientGrantSchema = z.strictObject({
  client_id: z.string().min(1),
  audience: z.string().min(1),
  scope: z.array(z.string().min(1)).default([]),
});

const USER_ID = /^[^|]+\|.+$/;

function assertNonEmptyPatch(body: Record<string, unknown>): void {
  const count = Object.keys(body).length;
  if (count === 0) throw validationError("Payload", `Too few properties defined (${count}), must be at least 1`);
}

function assertPasswordPolicy(password: string): void {
  const refusal = checkPassword(password);
  if (refusal) throw new ManagementApiError(400, `${refusal.name}: ${refusal.message}`, "invalid_body");
}

function userIdFromPath(segment: string): string {
  if (!USER_ID.test(segment)) {
    throw validationError("Path", "String does not match pattern ^.+\\|.+$", "id (ID of the user)");
  }
  return segment;
}

function findUser(store: TenantStore, userId: string): StoredUser {
  const user = store.getUser(userId);
  if (!user) throw new ManagementApiError(404, "The user does not exist.", "inexistent_user");
  return user;
}

function emailTaken(store: TenantStore, email: string, exceptUserId?: string): boolean {
  return store.allUsers().some((user) => user.email === email && user.user_id !== exceptUserId);
}

function refuseUnsupported(body: {
  phone_number?: unknown;
  phone_verified?: unknown;
  verify_phone_number?: unknown;
  username?: unknown;
}) {
  for (const field of ["phone_number", "phone_verified", "verify_phone_number", "username"] as const) {
    if (body[field] !== undefined) {
      throw new ManagementApiError(
        400,
        `Cannot set ${field}: the ${TENANT_NAME} tenant's database connection does not use usernames or phone numbers`,
        "operation_not_supported",
      );
    }
  }
}

function applyMetadataPatch(
  user: StoredUser,
  patch: { user_metadata?: Record<string, unknown>; app_metadata?: Record<string, unknown> },
  limitBytes: number,
): Pick<StoredUser, "user_metadata" | "app_metadata"> {
  if (patch.user_metadata) assertMetadataKeys(patch.user_metadata);
  if (patch.app_metadata) {
    assertMetadataKeys(patch.app_metadata);
    assertAppMetadataFields(patch.app_metadata);
  }
  const userMetadata = patch.user_metadata
    ? mergeMetadata(user.user_metadata, patch.user_metadata)
    : user.user_metadata;
  const appMetadata = patch.app_metadata ? mergeMetadata(user.app_metadata, patch.app_metadata) : user.app_metadata;
  assertMetadataSize(userMetadata, appMetadata, limitBytes);
  return { user_metadata: userMetadata, app_metadata: appMetadata };
}

async function createUser(req: IncomingMessage, ctx: ManagementApiContext): Promise<Record<string, unknown>> {
  const input = await readJsonBody(req);
  const body = parseBody(createUserSchema, input);
  if (body.connection !== ctx.connection.name) {
    throw new ManagementApiError(400, "The connection does not exist.", "inexistent_connection");
  }
  refuseUnsupported(body);
  if (body.email === undefined) throw validationError("Payload", "Missing required property: email");
  if (body.password === undefined) throw validationError("Payload", "Missing required property: password");
  assertPasswordPolicy(body.password);
  const email = body.email.toLowerCase(); // Auth0 stores database users' emails in lower case.
  const userId = body.user_id === undefined ? TenantStore.newUserId() : `auth0|${body.user_id}`;
  const empty: StoredUser = {
    user_id: userId,
    email,
    email_verified: body.email_verified ?? false,
    name: body.name ?? email,
    nickname: body.nickname ?? email.split("@")[0] ?? email,
    picture: body.picture ?? defaultPicture(email),
    created_at: "",
    updated_at: "",
    logins_count: 0,
    user_metadata: {},
    app_metadata: {},
    password_hash: "",
  };
  const metadata = applyMetadataPatch(
    empty,
    {
      // On create there is nothing to merge with; `{}` and null values simply store nothing.
      ...(body.user_metadata ? { user_metadata: body.user_metadata } : {}),
      ...(body.app_metadata ? { app_metadata: body.app_metadata } : {}),
    },
    ctx.metadataLimitBytes,
  );
  if (emailTaken(ctx.store, email) || ctx.store.getUser(userId)) {
    throw new ManagementApiError(409, "The user already exists.", "auth0_idp_error");
  }
  const now = new Date().toISOString();
  const user: StoredUser = {
    ...empty,
    ...metadata,
    ...(body.given_name === undefined ? {} : { given_name: body.given_name }),
    ...(body.family_name === undefined ? {} : { family_name: body.family_name }),
    ...(body.blocked === undefined ? {} : { blocked: body.blocked }),
    created_at: now,
    updated_at: now,
    password_hash: await hashPassword(body.password),
  };
  ctx.store.saveUser(user);
  return toAuth0User(user);
}

async function updateUser(
  req: IncomingMessage,
  userId: string,
  ctx: ManagementApiContext,
  mayUpdateProfile: boolean,
): Promise<Record<string, unknown>> {
  const input = await readJsonBody(req);
  const body = parseBody(updateUserSchema, input);
  assertNonEmptyPatch(body);
  // `update:users_app_metadata` alone allows changing app_metadata and nothing else.
  if (!mayUpdateProfile && Object.keys(body).some((key) => key !== "app_metadata")) {
    throw new ManagementApiError(403, "Insufficient scope, expected any of: update:users", "insufficient_scope");
  }
  refuseUnsupported(body);
  if (body.connection !== undefined && body.connection !== ctx.connection.name) {
    throw new ManagementApiError(400, "The connection does not exist.", "inexistent_connection");
  }
  const user = findUser(ctx.store, userId);
  const metadata = applyMetadataPatch(user, body, ctx.metadataLimitBytes);
  const updated: StoredUser = { ...user, ...metadata };
  if (body.email !== undefined) {
    const email = body.email.toLowerCase();
    if (emailTaken(ctx.store, email, user.user_id)) {
      throw new ManagementApiError(409, "The specified new email already exists", "email_conflict");
    }
    updated.email = email;
    updated.email_verified = body.email_verified ?? false;
  }
  if (body.password !== undefined) {
    assertPasswordPolicy(body.password);
    updated.password_hash = await hashPassword(body.password);
  }
  if (body.email_verified !== undefined) updated.email_verified = body.email_verified;
  if (body.blocked !== undefined) updated.blocked = body.blocked;
  if (body.name !== undefined) updated.name = body.name;
  if (body.nickname !== undefined) updated.nickname = body.nickname;
  if (body.picture !== undefined) updated.picture = body.picture;
  if (body.given_name !== undefined) updated.given_name = body.given_name;
  if (body.family_name !== undefined) updated.family_name = body.family_name;
  updated.updated_at = new Date().toISOString();
  ctx.store.saveUser(updated);
  return toAuth0User(updated);
}

function parseSort(raw: string | null): { field: string; direction: 1 | -1 } | undefined {
  if (raw === null) return undefined;
  const match = /^([A-Za-z_][\w.]*):(1|-1)$/.exec(raw);
  if (!match?.[1])
    throw validationError("Query", `String does not match pattern ^(([a-zA-Z0-9_\\.]+))\\:(1|-1)$: ${raw}`, "sort");
  if (match[1].startsWith("user_metadata") || match[1].startsWith("app_metadata")) {
    throw validationError("Query", "Sorting by user_metadata or app_metadata is not supported", "sort");
  }
  return { field: match[1], direction: match[2] === "-1" ? -1 : 1 };
}

function sortValue(record: Record<string, unknown>, field: string): string | number {
  const value = record[field];
  if (typeof value === "number" || typeof value === "string") return value;
  return value === undefined ? "" : JSON.stringify(value);
}

function listUsers(url: URL, ctx: ManagementApiContext): unknown {
  const query = url.searchParams;
  assertKnownQueryParameters(query, [
    "page",
    "per_page",
    "include_totals",
    "sort",
    "connection",
    "fields",
    "include_fields",
    "q",
    "search_engine",
    "primary_order",
  ]);
  const engine = query.get("search_engine");
  if (engine !== null && engine !== "v3") {
    throw validationError("Query", `search_engine ${engine} is no longer available; use v3`, "search_engine");
  }
  readBoolean(query, "primary_order");
  const page = readInteger(query, "page", { min: 0 }) ?? 0;
  const perPage = readInteger(query, "per_page", { min: 0, max: MAX_PER_PAGE }) ?? DEFAULT_PER_PAGE;
  const includeTotals = readBoolean(query, "include_totals") ?? false;
  const selection = readFieldSelection(query);
  const sort = parseSort(query.get("sort"));
  if (page * perPage + perPage > SEARCH_RESULT_CAP) {
    throw new ManagementApiError(
      400,
      `You can only page through the first ${SEARCH_RESULT_CAP} records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation`,
      "invalid_paging",
    );
  }
  const matches = compileUserQuery(query.get("q") ?? "");
  const connection = query.get("connection");
  const found = ctx.store
    .allUsers()
    .map(toAuth0User)
    .filter((user) => (connection === null || connection === ctx.connection.name) && matches(user));
  found.sort((a, b) => {
    if (sort) {
      const left = sortValue(a, sort.field);
      const right = sortValue(b, sort.field);
      if (left !== right) return (left < right ? -1 : 1) * sort.direction;
    }
    // Array#sort is stable: ties keep the store's creation order.
    return String(a.created_at).localeCompare(String(b.created_at));
  });
  const users = found.slice(page * perPage, page * perPage + perPage).map((user) => projectFields(user, selection));
  if (!includeTotals) return users;
  // Auth0 reports at most the 1,000 results it lets you page through.
  return {
    start: page * perPage,
    limit: perPage,
    length: users.length,
    total: Math.min(found.length, SEARCH_RESULT_CAP),
    users,
  };
}

const emailQuerySchema = z.email();

function usersByEmail(url: URL, ctx: ManagementApiContext): unknown {
  const query = url.searchParams;
  assertKnownQueryParameters(query, ["email", "fields", "include_fields"]);
  const email = query.get("email");
  if (email === null) throw validationError("Query", "Missing required property: email");
  if (!emailQuerySchema.safeParse(email).success) {
    throw validationError(
      "Query",
      `Object didn't pass validation for format email: ${email}`,
      "email (Email address to search for (case-sensitive).)",
    );
  }
  const selection = readFieldSelection(query);
  // Exact, case-sensitive match: database users' emails are stored in lower case, so a
  // mixed-case query finds nothing, as Auth0's reference warns.
  return ctx.store
    .allUsers()
    .filter((user) => user.email === email)
    .map((user) => projectFields(toAuth0User(user), selection));
}

function toAuth0Client(client: StoredClient, includeSecret: boolean): Record<string, unknown> {
  const machine = client.app_type === "non_interactive";
  return {
    tenant: TENANT_NAME,
    global: false,
    is_first_party: true,
    name: client.name,
    client_id: client.client_id,
    ...(includeSecret ? { client_secret: client.client_secret } : {}),
    app_type: client.app_type,
    callbacks: client.callbacks,
    allowed_logout_urls: client.allowed_logout_urls,
    grant_types: machine ? ["client_credentials"] : ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_post",
    oidc_conformant: true,
    jwt_configuration: { alg: "RS256", lifetime_in_seconds: 36_000, secret_encoded: false },
    client_metadata: client.client_metadata,
    ...(client.description === undefined ? {} : { description: client.description }),
  };
}

function findClient(store: TenantStore, clientId: string): StoredClient {
  const client = store.getClient(clientId);
  if (!client) throw new ManagementApiError(404, "The client does not exist", "inexistent_client");
  return client;
}

function listConnections(url: URL, ctx: ManagementApiContext): unknown {
  const query = url.searchParams;
  assertKnownQueryParameters(query, [
    "strategy",
    "name",
    "fields",
    "include_fields",
    "page",
    "per_page",
    "include_totals",
    "from",
    "take",
  ]);
  const page = readInteger(query, "page", { min: 0 }) ?? 0;
  const perPage = readInteger(query, "per_page", { min: 0, max: MAX_PER_PAGE }) ?? DEFAULT_PER_PAGE;
  const take = readInteger(query, "take", { min: 1, max: MAX_PER_PAGE });
  const includeTotals = readBoolean(query, "include_totals") ?? false;
  const selection = readFieldSelection(query);
  const strategies = query.getAll("strategy");
  const name = query.get("name");
  const all = [connectionResource(ctx.connection, ctx.store)]
    .filter((connection) => name === null || connection.name === name)
    .filter((connection) => strategies.length === 0 || strategies.includes(String(connection.strategy)))
    .map((connection) => projectFields(connection, selection));
  if (take !== undefined || query.has("from")) {
    // Checkpoint pagination: `next` is present only while more remain (never, with one connection).
    const from = query.get("from");
    const start = from === null ? 0 : all.findIndex((connection) => connection.id === from) + 1;
    return { connections: all.slice(start, start + (take ?? DEFAULT_PER_PAGE)) };
  }
  const connections = all.slice(page * perPage, page * perPage + perPage);
  return includeTotals ? { start: page * perPage, limit: perPage, total: all.length, connections } : connections;
}

async function updateClient(req: IncomingMessage, clientId: string, ctx: ManagementApiContext, includeSecret: boolean) {
  const input = await readJsonBody(req);
  const body = parseBody(updateClientSchema, input);
  assertNonEmptyPatch(body);
  const client = findClient(ctx.store, clientId);
  const updated: StoredClient = { ...client };
  if (body.name !== undefined) updated.name = body.name;
  if (body.client_metadata !== undefined)
    updated.client_metadata = mergeClientMetadata(client.client_metadata, body.client_metadata);
  ctx.store.saveClient(updated);
  return toAuth0Client(updated, includeSecret);
}

/** POST /clients: the secret is in the answer, as Auth0 returns it on creation. */
async function createClient(req: IncomingMessage, ctx: ManagementApiContext) {
  const body = parseBody(createClientSchema, await readJsonBody(req));
  const machine = body.app_type === "non_interactive";
  const client: StoredClient = {
    client_id: randomBytes(16).toString("base64url"),
    client_secret: randomBytes(48).toString("base64url"),
    name: body.name,
    app_type: body.app_type ?? "regular_web",
    callbacks: [],
    allowed_logout_urls: [],
    client_metadata: body.client_metadata ? mergeClientMetadata({}, body.client_metadata) : {},
    // Management API scopes come from a client grant for the Management API, which the emulator does not take.
    scopes: [],
    ...(body.description === undefined ? {} : { description: body.description }),
  };
  if (body.grant_types?.includes("client_credentials") && !machine) {
    throw validationError("Payload", "client_credentials is only allowed for non_interactive clients", "grant_types");
  }
  ctx.store.saveClient(client);
  return toAuth0Client(client, true);
}

function createClientGrant(body: z.output<typeof createClientGrantSchema>, ctx: ManagementApiContext) {
  findClient(ctx.store, body.client_id);
  const server = ctx.tokens.resourceServer(body.audience);
  if (!server) {
    throw new ManagementApiError(404, "No resource server found by specified identifier", "inexistent_resource_server");
  }
  const unknown = body.scope.filter((scope) => !server.scopes.includes(scope));
  if (unknown.length > 0) {
    throw new ManagementApiError(
      400,
      `Client grant contains scopes not defined on the resource server: ${unknown.join(", ")}`,
      "invalid_body",
    );
  }
  const exists = ctx.store
    .allClientGrants()
    .some((grant) => grant.client_id === body.client_id && grant.audience === body.audience);
  if (exists)
    throw new ManagementApiError(409, "A client grant for this client and audience already exists", "conflict");
  const grant: StoredClientGrant = {
    id: `cgr_${randomBytes(8).toString("hex")}`,
    client_id: body.client_id,
    audience: body.audience,
    scope: body.scope,
  };
  ctx.store.saveClientGrant(grant);
  return grant;
}

function listClientGrants(url: URL, ctx: ManagementApiContext): StoredClientGrant[] {
  assertKnownQueryParameters(url.searchParams, ["client_id", "audience", "per_page", "page", "include_totals"]);
  const clientId = url.searchParams.get("client_id");
  const audience = url.searchParams.get("audience");
  return ctx.store
    .allClientGrants()
    .filter(
      (grant) =>
        (clientId === null || grant.client_id === clientId) && (audience === null || grant.audience === audience),
    );
}

/** Auth0's checkpoint paging of sessions: `take` (default 50, at most 100) from the cursor `from`. */
function pageOfSessions(sessions: Auth0Session[], query: URLSearchParams): { sessions: Auth0Session[]; next?: string } {
  const take = readInteger(query, "take", { min: 1, max: MAX_PER_PAGE }) ?? DEFAULT_PER_PAGE;
  const from = query.get("from");
  const start = from === null ? 0 : sessions.findIndex((session) => session.id === from);
  if (start === -1) throw validationError("Query", `Invalid checkpoint: ${from}`, "from");
  const page = sessions.slice(start, start + take);
  const next = sessions[start + take];
  return next ? { sessions: page, next: next.id } : { sessions: page };
}

function notFound(method: string, path: string): ManagementApiError {
  return new ManagementApiError(404, `Not Found: the emulator does not implement ${method} ${path}`, "not_found");
}

/**
 * Dispatches `/api/v2/*` after the caller has applied rate limiting and faults. Every failure
 * is thrown as a ManagementApiError; the caller writes it as Auth0's error body.
 */
export async function handleManagementApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: ManagementApiContext,
): Promise<void> {
  const token: VerifiedToken = await ctx.tokens.verify(req.headers.authorization);
  const method = req.method ?? "GET";
  const [, , resource, id, ...rest] = decodeSegments(url.pathname);
  const route = `${method} /${resource ?? ""}${id === undefined ? "" : "/:id"}${rest.length > 0 ? "/…" : ""}`;

  switch (route) {
    case "POST /users": {
      requireScope(token, SCOPES.createUsers);
      sendJson(res, 201, await createUser(req, ctx));
      return;
    }
    case "GET /users": {
      requireScope(token, SCOPES.readUsers);
      sendJson(res, 200, listUsers(url, ctx));
      return;
    }
    case "GET /users/:id": {
      requireScope(token, SCOPES.readUsers);
      assertKnownQueryParameters(url.searchParams, ["fields", "include_fields"]);
      const userId = userIdFromPath(id ?? "");
      const selection = readFieldSelection(url.searchParams);
      sendJson(res, 200, projectFields(toAuth0User(findUser(ctx.store, userId)), selection));
      return;
    }
    case "PATCH /users/:id": {
      requireScope(token, SCOPES.updateUsers);
      const userId = userIdFromPath(id ?? "");
      sendJson(res, 200, await updateUser(req, userId, ctx, token.scopes.has("update:users")));
      return;
    }
    case "DELETE /users/:id": {
      requireScope(token, SCOPES.deleteUsers);
      // Idempotent as in Auth0: deleting a user that does not exist is still a 204.
      ctx.store.deleteUser(userIdFromPath(id ?? ""));
      res.writeHead(204).end();
      return;
    }
    case "GET /users/:id/…": {
      if (rest.join("/") !== "sessions") throw notFound(method, url.pathname);
      requireScope(token, SCOPES.readSessions);
      assertKnownQueryParameters(url.searchParams, ["from", "take"]);
      const user = findUser(ctx.store, userIdFromPath(id ?? ""));
      sendJson(res, 200, pageOfSessions(ctx.sessions.sessionsOf(user.user_id), url.searchParams));
      return;
    }
    case "DELETE /users/:id/…": {
      if (rest.join("/") !== "sessions") throw notFound(method, url.pathname);
      requireScope(token, SCOPES.deleteSessions);
      ctx.sessions.deleteSessionsOf(findUser(ctx.store, userIdFromPath(id ?? "")).user_id);
      // "Session deletion request accepted."
      res.writeHead(202).end();
      return;
    }
    case "DELETE /sessions/:id": {
      requireScope(token, SCOPES.deleteSessions);
      if (!ctx.sessions.deleteSession(id ?? "")) {
        throw new ManagementApiError(404, "The session does not exist.", "session_not_found");
      }
      res.writeHead(202).end();
      return;
    }
    case "GET /user-blocks/:id": {
      requireScope(token, SCOPES.readUsers);
      const user = findUser(ctx.store, userIdFromPath(id ?? ""));
      const blockedFor = ctx.bruteForce
        .blocksOf(user.user_id)
        .map((ip) => ({ identifier: user.email, ip, connection: DATABASE_CONNECTION }));
      sendJson(res, 200, { blocked_for: blockedFor });
      return;
    }
    case "DELETE /user-blocks/:id": {
      requireScope(token, SCOPES.updateUsers);
      ctx.bruteForce.unblock(findUser(ctx.store, userIdFromPath(id ?? "")).user_id);
      res.writeHead(204).end();
      return;
    }
    case "GET /users-by-email": {
      requireScope(token, SCOPES.readUsers);
      sendJson(res, 200, usersByEmail(url, ctx));
      return;
    }
    case "POST /jobs/:id": {
      if (id === "verification-email") {
        requireScope(token, SCOPES.updateUsers);
        const input = parseBody(verificationEmailJobSchema, await readJsonBody(req));
        sendJson(res, 201, ctx.emailVerification.handleVerificationEmailJob(input));
        return;
      }
      if (id !== "users-exports") throw notFound(method, url.pathname);
      requireScope(token, SCOPES.readUsers);
      const input = await readJsonBody(req);
      sendJson(res, 201, ctx.exports.create(parseBody(createUsersExportSchema, input)));
      return;
    }
    case "GET /jobs/:id": {
      requireScope(token, SCOPES.readJobs);
      sendJson(res, 200, ctx.emailVerification.job(id ?? "") ?? ctx.exports.get(id ?? ""));
      return;
    }
    case "POST /tickets/:id": {
      if (id === "password-change") {
        requireScope(token, SCOPES.createUserTickets);
        const input = parseBody(passwordChangeTicketSchema, await readJsonBody(req));
        sendJson(res, 201, ctx.passwordReset.createTicket(input));
        return;
      }
      if (id !== "email-verification") throw notFound(method, url.pathname);
      requireScope(token, SCOPES.createUserTickets);
      const input = parseBody(emailVerificationTicketSchema, await readJsonBody(req));
      sendJson(res, 201, ctx.emailVerification.createTicket(input));
      return;
    }
    case "GET /connections": {
      requireScope(token, SCOPES.readConnections);
      sendJson(res, 200, listConnections(url, ctx));
      return;
    }
    case "GET /clients/:id": {
      requireScope(token, SCOPES.readClients);
      assertKnownQueryParameters(url.searchParams, ["fields", "include_fields"]);
      const selection = readFieldSelection(url.searchParams);
      const client = findClient(ctx.store, id ?? "");
      sendJson(res, 200, projectFields(toAuth0Client(client, token.scopes.has("read:client_keys")), selection));
      return;
    }
    case "POST /clients": {
      requireScope(token, SCOPES.createClients);
      sendJson(res, 201, await createClient(req, ctx));
      return;
    }
    case "DELETE /clients/:id": {
      requireScope(token, SCOPES.deleteClients);
      if (!ctx.store.deleteClient(id ?? ""))
        throw new ManagementApiError(404, "The client does not exist", "inexistent_client");
      res.writeHead(204).end();
      return;
    }
    case "POST /client-grants": {
      requireScope(token, SCOPES.createClientGrants);
      const body = parseBody(createClientGrantSchema, await readJsonBody(req));
      sendJson(res, 201, createClientGrant(body, ctx));
      return;
    }
    case "GET /client-grants": {
      requireScope(token, SCOPES.readClientGrants);
      sendJson(res, 200, listClientGrants(url, ctx));
      return;
    }
    case "DELETE /client-grants/:id": {
      requireScope(token, SCOPES.deleteClientGrants);
      if (!ctx.store.deleteClientGrant(id ?? "")) {
        throw new ManagementApiError(404, "The client grant does not exist", "inexistent_client_grant");
      }
      res.writeHead(204).end();
      return;
    }
    case "PATCH /clients/:id": {
      requireScope(token, SCOPES.updateClients);
      sendJson(res, 200, await updateClient(req, id ?? "", ctx, token.scopes.has("read:client_keys")));
      return;
    }
    default:
      throw notFound(method, url.pathname);
  }
}
