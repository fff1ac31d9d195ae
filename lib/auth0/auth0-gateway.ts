import "server-only";
import type { ManagementClient } from "auth0";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { auth0Failure } from "./auth0-error";
import { auth0Origin } from "./auth0-origin";
import { createManagementClient, type ManagementClientConfig } from "./management-client";

/** The parts of an Auth0 user the portal reads (as the Management API returns them). */
export interface Auth0User {
  user_id?: string;
  email?: string;
  name?: string;
  created_at?: string;
  blocked?: boolean;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
  [property: string]: unknown;
}

/** Which properties to return (Auth0's `fields` / `include_fields`). */
interface FieldSelection {
  fields?: string;
  includeFields?: boolean;
}

/** Auth0's `x-ratelimit-*` headers on an answer: the tenant's bucket, shared by every caller. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** When the bucket is full again (epoch ms). */
  resetAt: number;
}

interface UsersPage {
  users: Auth0User[];
  rateLimit: RateLimitState | null;
}

export interface Auth0Job {
  id: string;
  status: string;
  location?: string;
  percentage_done?: number;
  time_left_seconds?: number;
}

/**
 * Every Management API call the portal makes. Failures are thrown as AppError, translated in one
 * place (`auth0Failure`): `not_found` for a missing resource, `upstream_unavailable` when Auth0
 * failed, rate limited the portal or could not be reached. Tests use a gateway on the emulator.
 */
export interface Auth0Gateway {
  /** The user, or null when Auth0 has no such user. */
  getUser(userId: string, select?: FieldSelection): Promise<Auth0User | null>;
  /** Users with exactly this email address (Auth0 matches it case-sensitively). */
  findUsersByEmail(email: string, select?: FieldSelection): Promise<Auth0User[]>;
  /** A user search (v3 query syntax), first page. */
  searchUsers(q: string, options?: FieldSelection & { perPage?: number }): Promise<Auth0User[]>;
  /**
   * GET /users: one page (`page` from 0), sorted, optionally filtered by a v3 query, with the
   * rate-limit headers so a long walk can pace itself. Auth0 pages through 1,000 results per query.
   */
  listUsers(input: { page: number; perPage: number; sort: string; q?: string; fields?: string }): Promise<UsersPage>;
  /** PATCH /users/{id}: metadata objects merge at their root, nested objects are replaced. */
  updateUser(
    userId: string,
    patch: { user_metadata?: Record<string, unknown>; app_metadata?: Record<string, unknown> },
  ): Promise<Auth0User>;
  /** Deletes the user; a user already gone counts as deleted. */
  deleteUser(userId: string): Promise<void>;
  /**
   * DELETE /users/{id}/sessions: ends every login session the user has with the tenant, so no
   * browser signs them in again without their password. A user already gone has none.
   */
  deleteTenantSessionsOf(userId: string): Promise<void>;
  /** DELETE /sessions/{sid}: ends one tenant login session (the ID token's `sid`); one already gone is ended. */
  deleteTenantSession(sessionId: string): Promise<void>;
  /** POST /jobs/verification-email: Auth0 emails the user the link that verifies their address. */
  sendVerificationEmail(userId: string): Promise<void>;
  /** The id of the connection with this name, or null. */
  findConnectionId(name: string): Promise<string | null>;
  startUsersExport(input: {
    connectionId: string;
    format: "csv" | "json";
    fields: Array<{ name: string; export_as?: string }>;
  }): Promise<Auth0Job>;
  getJob(jobId: string): Promise<Auth0Job>;
  /** POST /clients: a machine-to-machine application (client credentials). The secret is only in this answer. */
  createMachineClient(input: {
    name: string;
    description?: string;
  }): Promise<{ clientId: string; clientSecret: string }>;
  /** POST /client-grants: lets the client ask tokens for `audience` with `scopes`. */
  createClientGrant(input: { clientId: string; audience: string; scopes: string[] }): Promise<void>;
  /** Deletes the application (and, in Auth0, its grants); one already gone counts as deleted. */
  deleteClient(clientId: string): Promise<void>;
  /**
   * One request to `/api/v2<path>` with the portal's token, answered as Auth0 answered it (the
   * Management API proxy passes it on). Only a failure to get an answer is thrown.
   */
  request(path: string, init: { method: string; body?: string }): Promise<Response>;
}

function readRateLimit(headers: Headers): RateLimitState | null {
  const [limit, remaining, reset] = ["limit", "remaining", "reset"].map((name) =>
    Number(headers.get(`x-ratelimit-${name}`) ?? Number.NaN),
  );
  if (![limit, remaining, reset].every((value) => Number.isFinite(value))) return null;
  return { limit: limit!, remaining: remaining!, resetAt: reset! * 1000 };
}

async function translated<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw auth0Failure(error, what);
  }
}

/** A gateway over an SDK client (`domain` builds the passthrough URLs). */
export function createAuth0Gateway(config: ManagementClientConfig): Auth0Gateway {
  const client: ManagementClient = createManagementClient(config);
  // Absolute, because the SDK's passthrough would fold a relative path's query string into the path.
  const base = `https://${auth0Origin(config.domain).host}/api/v2`;
  const fieldsOf = (select: FieldSelection = {}) => ({
    ...(select.fields === undefined ? {} : { fields: select.fields }),
    ...(select.includeFields === undefined ? {} : { include_fields: select.includeFields }),
  });
  return {
    async getUser(userId, select) {
      try {
        return await translated("reading a user", () => client.users.get(userId, fieldsOf(select)));
      } catch (error) {
        if (isAppError(error, "not_found")) return null;
        throw error;
      }
    },
    findUsersByEmail: (email, select) =>
      translated("finding users by email", async () =>
        (await client.users.listUsersByEmail({ email, ...fieldsOf(select) })).map((user) => user as Auth0User),
      ),
    searchUsers: (q, options = {}) =>
      translated("searching users", async () => {
        const page = await client.users.list({
          q,
          search_engine: "v3",
          ...(options.perPage === undefined ? {} : { per_page: options.perPage }),
          ...fieldsOf(options),
        });
        return page.data;
      }),
    listUsers: ({ page, perPage, sort, q, fields }) =>
      translated("listing users", async () => {
        const query = new URLSearchParams({ page: String(page), per_page: String(perPage), sort });
        if (q !== undefined) query.set("q", q);
        if (fields !== undefined) query.set("fields", fields);
        // The raw answer (passthrough) for its headers; the retrying fetch has already waited out 429s.
        const response = await client.fetch(`${base}/users?${query.toString()}`, { method: "GET" });
        const body: unknown = await response.json().catch(() => null);
        if (!response.ok)
          throw auth0Failure({ status: response.status, body, headers: response.headers }, "listing users");
        if (!Array.isArray(body)) throw new Error("Auth0 answered GET /users with something other than a list");
        return { users: body as Auth0User[], rateLimit: readRateLimit(response.headers) };
      }),
    updateUser: (userId, patch) =>
      translated("updating a user", async () => (await client.users.update(userId, patch)) as Auth0User),
    async deleteUser(userId) {
      try {
        await translated("deleting a user", () => client.users.delete(userId));
      } catch (error) {
        // Already gone is what every caller wants.
        if (!isAppError(error, "not_found")) throw error;
      }
    },
    async deleteTenantSessionsOf(userId) {
      try {
        await translated("ending a user's sessions", () => client.users.sessions.delete(userId));
      } catch (error) {
        if (!isAppError(error, "not_found")) throw error;
      }
    },
    async deleteTenantSession(sessionId) {
      try {
        await translated("ending a session", () => client.sessions.delete(sessionId));
      } catch (error) {
        if (!isAppError(error, "not_found")) throw error;
      }
    },
    sendVerificationEmail: (userId) =>
      translated("sending a verification email", async () => {
        await client.jobs.verificationEmail.create({ user_id: userId });
      }),
    findConnectionId: (name) =>
      translated("finding the connection", async () => (await client.connections.list({ name })).data[0]?.id ?? null),
    startUsersExport: ({ connectionId, format, fields }) =>
      translated(
        "starting a users export",
        async () =>
          (await client.jobs.usersExports.create({ connection_id: connectionId, format, fields })) as Auth0Job,
      ),
    getJob: (jobId) => translated("reading a job", async () => (await client.jobs.get(jobId)) as Auth0Job),
    createMachineClient: ({ name, description }) =>
      translated("creating an API client", async () => {
        const created = await client.clients.create({
          name,
          ...(description === undefined ? {} : { description }),
          app_type: "non_interactive",
          grant_types: ["client_credentials"],
          token_endpoint_auth_method: "client_secret_post",
        });
        if (!created.client_id || !created.client_secret) throw new Error("Auth0 created a client without credentials");
        return { clientId: created.client_id, clientSecret: created.client_secret };
      }),
    createClientGrant: ({ clientId, audience, scopes }) =>
      translated("granting an API client", async () => {
        await client.clientGrants.create({ client_id: clientId, audience, scope: scopes });
      }),
    async deleteClient(clientId) {
      try {
        await translated("deleting an API client", () => client.clients.delete(clientId));
      } catch (error) {
        if (!isAppError(error, "not_found")) throw error;
      }
    },
    request: (path, init) =>
      translated("proxying a request", () =>
        client.fetch(`${base}${path}`, {
          method: init.method,
          ...(init.body === undefined ? {} : { body: init.body, headers: { "content-type": "application/json" } }),
        }),
      ),
  };
}

let gateway: Auth0Gateway | undefined;

/** The portal's gateway, configured from lib/env (one per process: the SDK caches its token). */
export function auth0(): Auth0Gateway {
  if (!gateway) {
    const config = env();
    gateway = createAuth0Gateway({
      domain: config.AUTH0_DOMAIN,
      clientId: config.AUTH0_MGMT_CLIENT_ID,
      clientSecret: config.AUTH0_MGMT_CLIENT_SECRET,
    });
  }
  return gateway;
}
