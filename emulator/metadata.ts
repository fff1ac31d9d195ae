import { ManagementApiError, validationError } from "./errors.js";
import type { Metadata } from "./store.js";

/**
 * Auth0 limits `user_metadata` and `app_metadata` together to 16 MB per user (metadata
 * best-practices page; the GDPR seed quotes 16 MB for user_metadata). Configurable so tests
 * can reach the limit without 16 MB requests (a single request body is capped at 1 MB anyway).
 */
export const DEFAULT_METADATA_LIMIT_BYTES = 16 * 1024 * 1024;

/** Fields Auth0 refuses to store in `app_metadata` ("Metadata field name rules"). */
const RESERVED_APP_METADATA_FIELDS = [
  "blocked",
  "clientID",
  "created_at",
  "email",
  "email_verified",
  "global_client_id",
  "globalClientID",
  "identities",
  "lastIP",
  "lastLogin",
  "metadata",
  "user_id",
  "loginsCount",
] as const;

/**
 * Auth0's PATCH semantics for `user_metadata`, `app_metadata` and `client_metadata`:
 * root-level properties are merged, anything below the root is replaced whole, a root key
 * set to `null` is deleted, and patching with `{}` removes the metadata completely.
 */
export function mergeMetadata<T>(current: Record<string, T>, patch: Record<string, T | null>): Record<string, T> {
  if (Object.keys(patch).length === 0) return {};
  const next: Record<string, T> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

function findForbiddenKey(value: unknown): { key: string; char: "." | "$" } | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findForbiddenKey(item);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes(".")) return { key, char: "." };
    if (key.includes("$")) return { key, char: "$" };
    const found = findForbiddenKey(inner);
    if (found) return found;
  }
  return undefined;
}

/**
 * Rejects field names with `.` or `$` at any depth. The "." message is the one Auth0
 * returns ("Fields with "." are not allowed, please remove all dotted fields. Example: ...");
 * the "$" wording is ours, modelled on it.
 */
export function assertMetadataKeys(metadata: unknown): void {
  const found = findForbiddenKey(metadata);
  if (!found) return;
  const message =
    found.char === "."
      ? `Fields with "." are not allowed, please remove all dotted fields. Example: ${found.key}`
      : `Fields with "$" are not allowed, please remove all fields containing "$". Example: ${found.key}`;
  throw new ManagementApiError(400, message, "invalid_body");
}

export function assertAppMetadataFields(patch: Record<string, unknown>): void {
  for (const field of RESERVED_APP_METADATA_FIELDS) {
    if (Object.hasOwn(patch, field) && patch[field] !== null) {
      throw validationError(
        "Payload",
        `The field ${field} is reserved and cannot be stored in app_metadata`,
        "app_metadata",
      );
    }
  }
}

function metadataBytes(userMetadata: Metadata, appMetadata: Metadata): number {
  return Buffer.byteLength(JSON.stringify(userMetadata)) + Buffer.byteLength(JSON.stringify(appMetadata));
}

export function assertMetadataSize(userMetadata: Metadata, appMetadata: Metadata, limitBytes: number): void {
  const size = metadataBytes(userMetadata, appMetadata);
  if (size > limitBytes) {
    throw new ManagementApiError(
      400,
      `Payload validation error: 'Metadata is too large: user_metadata and app_metadata together would take ${size} bytes, the limit is ${limitBytes} bytes'.`,
      "invalid_body",
    );
  }
}

// client_metadata: "an object with string values (max 255 chars). Maximum of 10 metadata
// properties allowed. Field names (max 255 chars) are alphanumeric and may only include the
// following special characters: :,-+=_*?"/\()<>@ [Tab] [Space]" (Management API reference).
const CLIENT_METADATA_MAX_KEYS = 10;
const CLIENT_METADATA_MAX_CHARS = 255;
const CLIENT_METADATA_KEY = /^[A-Za-z0-9:,\-+=_*?"/\\()<>@\t ]{1,255}$/;

/** Validates a client_metadata PATCH (string or null values) and returns the merged result. */
export function mergeClientMetadata(
  current: Record<string, string>,
  patch: Record<string, unknown>,
): Record<string, string> {
  assertMetadataKeys(patch);
  for (const [key, value] of Object.entries(patch)) {
    if (!CLIENT_METADATA_KEY.test(key)) {
      throw validationError("Payload", `Invalid client_metadata property name: ${key}`, "client_metadata");
    }
    if (value !== null && typeof value !== "string") {
      throw validationError(
        "Payload",
        `Expected type string but found type ${Array.isArray(value) ? "array" : typeof value}`,
        `client_metadata.${key}`,
      );
    }
    if (typeof value === "string" && value.length > CLIENT_METADATA_MAX_CHARS) {
      throw validationError(
        "Payload",
        `String is too long (${value.length} chars), maximum ${CLIENT_METADATA_MAX_CHARS}`,
        `client_metadata.${key}`,
      );
    }
  }
  const merged = mergeMetadata<string>(current, patch as Record<string, string | null>);
  if (Object.keys(merged).length > CLIENT_METADATA_MAX_KEYS) {
    throw validationError(
      "Payload",
      `Too many properties defined (${Object.keys(merged).length}), must be at most ${CLIENT_METADATA_MAX_KEYS}`,
      "client_metadata",
    );
  }
  return merged;
}
