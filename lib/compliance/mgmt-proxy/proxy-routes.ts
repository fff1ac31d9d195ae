import { z } from "zod";
import { AppError } from "@/lib/errors";
import { fieldIssues, type FieldIssue } from "@/lib/http/validation";
import { purposeKeySchema } from "@/lib/policies/schemas";

/**
 * The Management API subset the portal proxies (ADR 012). Anything else is refused before it
 * reaches Auth0. `role` is the least role allowed: compliance reads, admin writes.
 */
export type ProxyRoute =
  | { name: "get_user"; role: "compliance"; userId: string; query: Record<string, string> }
  | { name: "users_by_email"; role: "compliance"; query: Record<string, string> & { email: string } }
  | { name: "search_users"; role: "compliance"; query: Record<string, string> }
  | { name: "update_user"; role: "admin"; userId: string }
  | { name: "delete_user"; role: "admin"; userId: string }
  | { name: "create_users_export"; role: "admin" }
  | { name: "get_job"; role: "admin"; jobId: string };

const booleanString = z.enum(["true", "false"], { error: "Expected true or false" });
/** `fields=user_metadata,email`: comma-separated root property names. */
const fieldList = z
  .string()
  .max(1000)
  .regex(/^[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+)*$/, "A comma-separated list of field names");
const integerString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "Expected an integer")
    .refine((value) => Number(value) >= min && Number(value) <= max, `Expected an integer from ${min} to ${max}`);

const fieldsQuery = { fields: fieldList.optional(), include_fields: booleanString.optional() };

const getUserQuery = z.strictObject(fieldsQuery);
const usersByEmailQuery = z.strictObject({
  email: z.email("Expected an email address").max(320),
  ...fieldsQuery,
});
const searchUsersQuery = z.strictObject({
  q: z.string().min(1).max(2000).optional(),
  page: integerString(0, 999).optional(),
  per_page: integerString(0, 100).optional(),
  include_totals: booleanString.optional(),
  sort: z
    .string()
    .regex(/^[A-Za-z0-9_.]+:(1|-1)$/, "Expected field:1 or field:-1")
    .optional(),
  connection: z.string().min(1).max(128).optional(),
  search_engine: z.literal("v3", { error: "Only search_engine=v3 exists" }).optional(),
  primary_order: booleanString.optional(),
  ...fieldsQuery,
});

/** Auth0 user ids are `<provider>|<id>`. */
const auth0UserIdPathSchema = z
  .string()
  .max(255)
  .regex(/^[^|]+\|.+$/, "An Auth0 user id looks like auth0|64f0…");
const jobIdSchema = z.string().regex(/^job_[A-Za-z0-9]{16}$/, "A job id looks like job_0123456789abcdef");

/** Like `fieldIssues`, but an unknown property is named as the field itself. */
export function namedIssues(error: z.ZodError, unknownReason = "Not allowed here"): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join("."), reason: unknownReason }))
      : fieldIssues(new z.ZodError([issue])),
  );
}

/** A 400 in Auth0's words, naming every offending field. */
export function invalidRequest(what: string, errorCode: string, issues: FieldIssue[]): AppError {
  const message = `${what} validation error: ${issues.map((issue) => `${issue.field}: ${issue.reason}`).join("; ")}`;
  return new AppError("bad_request", message, { errorCode, issues });
}

function parsePath<S extends z.ZodType<string>>(schema: S, segment: string): z.output<S> {
  const parsed = schema.safeParse(segment);
  if (parsed.success) return parsed.data;
  throw invalidRequest("Path", "invalid_uri", namedIssues(parsed.error, "Not a parameter of this endpoint"));
}

function parseQuery<S extends z.ZodType<Record<string, string>>>(schema: S, query: URLSearchParams): z.output<S> {
  const repeated = [...new Set(query.keys())].filter((key) => query.getAll(key).length > 1);
  if (repeated.length) {
    throw new AppError("bad_request", `Query validation error: ${repeated.join(", ")} given more than once`, {
      errorCode: "invalid_query_string",
      issues: repeated.map((field) => ({ field, reason: "Given more than once" })),
    });
  }
  const parsed = schema.safeParse(Object.fromEntries(query));
  if (parsed.success) return parsed.data;
  throw invalidRequest("Query", "invalid_query_string", namedIssues(parsed.error, "Not a parameter of this endpoint"));
}

const notAllowed = (method: string, path: string) =>
  new AppError(
    "not_found",
    `The portal does not proxy ${method} /api/v2/${path}. Allowed: GET users/{id}, GET users-by-email, GET users, PATCH users/{id}, DELETE users/{id}, POST jobs/users-exports, GET jobs/{id}.`,
    { errorCode: "not_found" },
  );

/** Matches a request against the allow-list, validating path and query; refusals are thrown. */
export function matchProxyRoute(method: string, segments: string[], query: URLSearchParams): ProxyRoute {
  const path = segments.join("/");
  const [resource, id, ...rest] = segments;
  if (rest.length > 0) throw notAllowed(method, path);
  const noQuery = () => parseQuery(z.strictObject({}), query);

  if (resource === "users" && id === undefined && method === "GET") {
    return { name: "search_users", role: "compliance", query: parseQuery(searchUsersQuery, query) };
  }
  if (resource === "users-by-email" && id === undefined && method === "GET") {
    return { name: "users_by_email", role: "compliance", query: parseQuery(usersByEmailQuery, query) };
  }
  if (resource === "users" && id !== undefined && ["GET", "PATCH", "DELETE"].includes(method)) {
    const userId = parsePath(auth0UserIdPathSchema, id);
    if (method === "GET")
      return { name: "get_user", role: "compliance", userId, query: parseQuery(getUserQuery, query) };
    noQuery();
    return method === "PATCH"
      ? { name: "update_user", role: "admin", userId }
      : { name: "delete_user", role: "admin", userId };
  }
  if (resource === "jobs" && id === "users-exports" && method === "POST") {
    noQuery();
    return { name: "create_users_export", role: "admin" };
  }
  if (resource === "jobs" && id !== undefined && method === "GET") {
    const jobId = parsePath(jobIdSchema, id);
    noQuery();
    return { name: "get_job", role: "admin", jobId };
  }
  throw notAllowed(method, path);
}

const encode = encodeURIComponent;

function withQuery(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

/** Where a matched route goes at Auth0, relative to `/api/v2`. */
export function upstreamPath(route: ProxyRoute): string {
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

/**
 * `user_metadata.consent` as a client may write it: the seed's legacy object (`given`, `date`,
 * `text_details`) and/or the portal's projection (`version`, `purposes`). The ledger records the
 * decision; Auth0 then receives the ledger's projection in its place (ADR 012).
 */
export const consentPatchSchema = z
  .strictObject({
    given: z.boolean({ error: "Expected true or false" }).optional(),
    /** Informational: the ledger records its own server time. */
    date: z.string().max(100).optional(),
    /** Informational: the ledger records the current document's URL and text hash. */
    text_details: z.string().max(2000).optional(),
    /** If given, must be the current version of the required purposes' document. */
    version: z.string().min(1).max(40).optional(),
    purposes: z.record(purposeKeySchema, z.boolean({ error: "Expected true or false" })).optional(),
  })
  .refine((consent) => consent.given !== undefined || consent.purposes !== undefined, {
    message: "Say what was decided: `given` (the required purposes) and/or `purposes` (per purpose key)",
  });
export type ConsentPatch = z.output<typeof consentPatchSchema>;

const metadataObject = z.record(z.string().max(255), z.unknown());

/**
 * PATCH /users/{id}: the Update-a-User body, minus what a consent portal's staff have no
 * business changing (passwords, phone numbers, usernames). Nested objects replace, `null`
 * deletes a key, `{}` clears — Auth0 applies that; we check the shape.
 */
export const updateUserBodySchema = z
  .strictObject({
    blocked: z.boolean().optional(),
    email: z.email().max(320).optional(),
    email_verified: z.boolean().optional(),
    verify_email: z.boolean().optional(),
    name: z.string().min(1).max(300).optional(),
    nickname: z.string().min(1).max(300).optional(),
    given_name: z.string().min(1).max(150).optional(),
    family_name: z.string().min(1).max(150).optional(),
    picture: z.url().optional(),
    connection: z.string().min(1).max(128).optional(),
    client_id: z.string().min(1).max(128).optional(),
    user_metadata: metadataObject.optional(),
    app_metadata: metadataObject.optional(),
  })
  .superRefine((body, context) => {
    const consent = body.user_metadata?.consent;
    if (consent === undefined || consent === null) return;
    const parsed = consentPatchSchema.safeParse(consent);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      context.addIssue({ code: "custom", message: issue.message, path: ["user_metadata", "consent", ...issue.path] });
    }
  });
export type UpdateUserBody = z.output<typeof updateUserBodySchema>;

/** POST /jobs/users-exports. */
export const usersExportBodySchema = z.strictObject({
  connection_id: z
    .string()
    .regex(/^con_[A-Za-z0-9]{16}$/, "A connection id looks like con_0123456789abcdef")
    .optional(),
  format: z.enum(["json", "csv"]).optional(),
  limit: z.number().int().min(1).optional(),
  fields: z
    .array(z.strictObject({ name: z.string().min(1).max(200), export_as: z.string().min(1).max(200).optional() }))
    .max(30)
    .optional(),
});
