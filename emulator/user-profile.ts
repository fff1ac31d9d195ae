import { createHash } from "node:crypto";
import { validationError } from "./errors.js";
import { DATABASE_CONNECTION, type StoredUser } from "./store.js";

export type Auth0User = Record<string, unknown>;

/**
 * The user as the Management API returns it. Empty `user_metadata`/`app_metadata` are left
 * out: that is why the seed's users-by-email sample with `fields=user_metadata` shows `{}`
 * for a user without metadata, and why patching with `{}` "removes the metadata completely".
 */
export function toAuth0User(user: StoredUser): Auth0User {
  const [provider = "auth0", ...rest] = user.user_id.split("|");
  const profile: Auth0User = {
    created_at: user.created_at,
    email: user.email,
    email_verified: user.email_verified,
    ...(user.family_name === undefined ? {} : { family_name: user.family_name }),
    ...(user.given_name === undefined ? {} : { given_name: user.given_name }),
    identities: [{ connection: DATABASE_CONNECTION, provider, user_id: rest.join("|"), isSocial: false }],
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
    updated_at: user.updated_at,
    user_id: user.user_id,
  };
  if (Object.keys(user.user_metadata).length > 0) profile.user_metadata = user.user_metadata;
  if (Object.keys(user.app_metadata).length > 0) profile.app_metadata = user.app_metadata;
  if (user.blocked !== undefined) profile.blocked = user.blocked;
  if (user.last_login !== undefined) profile.last_login = user.last_login;
  if (user.logins_count > 0) profile.logins_count = user.logins_count;
  return profile;
}

/** Auth0's default picture for database users is a Gravatar URL derived from the email. */
export function defaultPicture(email: string): string {
  const hash = createHash("md5").update(email.trim().toLowerCase()).digest("hex");
  const initials = email.slice(0, 2).toLowerCase();
  return `https://s.gravatar.com/avatar/${hash}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F${initials}.png`;
}

export interface FieldSelection {
  fields: string[];
  include: boolean;
}

/** Reads `fields` (comma-separated) and `include_fields` (default true) from a query string. */
export function readFieldSelection(query: URLSearchParams): FieldSelection | undefined {
  const include = readBoolean(query, "include_fields") ?? true;
  const raw = query.get("fields");
  if (raw === null || raw.trim() === "") return undefined;
  const fields = raw
    .split(",")
    .map((field) => field.trim())
    .filter((field) => field.length > 0);
  return { fields, include };
}

/** `fields` selects whole root properties, as Auth0 does: `fields=user_metadata` returns only that. */
export function projectFields<T extends Record<string, unknown>>(
  record: T,
  selection: FieldSelection | undefined,
): Record<string, unknown> {
  if (!selection) return record;
  const wanted = new Set(selection.fields);
  return Object.fromEntries(Object.entries(record).filter(([key]) => wanted.has(key) === selection.include));
}

export function readBoolean(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw validationError("Query", `Expected type boolean but found type string`, name);
}

export function readInteger(
  query: URLSearchParams,
  name: string,
  bounds: { min: number; max?: number },
): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw)) throw validationError("Query", "Expected type integer but found type string", name);
  const value = Number(raw);
  if (value < bounds.min) throw validationError("Query", `Value ${value} is less than minimum ${bounds.min}`, name);
  if (bounds.max !== undefined && value > bounds.max) {
    throw validationError("Query", `Value ${value} is greater than maximum ${bounds.max}`, name);
  }
  return value;
}

/** Auth0 rejects query parameters an endpoint does not define. */
export function assertKnownQueryParameters(query: URLSearchParams, allowed: readonly string[]): void {
  const unknown = [...new Set(query.keys())].filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw validationError("Query", `Additional properties not allowed: ${unknown.join(",")}`);
}
