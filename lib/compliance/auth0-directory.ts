import "server-only";
import { ManagementError, type ManagementClient } from "auth0";
import { normalizeEmail } from "@/lib/crypto/blind-index";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { managementClient } from "@/lib/mgmt/management-client";

/** What the compliance workspace reads of an Auth0 user. */
export interface Auth0Person {
  userId: string;
  email: string | null;
  name: string | null;
  createdAt: string | null;
  /** `user_metadata.consent` as Auth0 holds it (the seed's legacy shape, or the ledger's projection). */
  consentMetadata: unknown;
  /** `app_metadata.deleted`: the seed's "flag as deleted". */
  flaggedDeleted: boolean;
}

/** The Auth0 reads the workspace needs; tests pass one backed by the emulator. */
export interface Auth0Directory {
  findByEmail(email: string): Promise<Auth0Person[]>;
  /** The user, or null when Auth0 has no such user. */
  findById(userId: string): Promise<Auth0Person | null>;
}

const FIELDS = "user_id,email,name,created_at,user_metadata,app_metadata";

function toPerson(user: Record<string, unknown>): Auth0Person {
  const userMetadata = (user.user_metadata ?? {}) as Record<string, unknown>;
  const appMetadata = (user.app_metadata ?? {}) as Record<string, unknown>;
  return {
    userId: String(user.user_id),
    email: typeof user.email === "string" ? user.email : null,
    name: typeof user.name === "string" ? user.name : null,
    createdAt: typeof user.created_at === "string" ? user.created_at : null,
    consentMetadata: userMetadata.consent ?? null,
    flaggedDeleted: appMetadata.deleted === true,
  };
}

/** Auth0 failures become one typed error; its text (and our token) never reach the page. */
function unavailable(error: unknown): AppError {
  logger.warn(
    { status: error instanceof ManagementError ? error.statusCode : undefined },
    "compliance: Auth0 read failed",
  );
  return new AppError("upstream_unavailable", "Auth0 could not be reached; try again shortly.", { cause: error });
}

/** The directory backed by a Management API client (the portal's own by default). */
export function auth0Directory(client: () => ManagementClient = managementClient): Auth0Directory {
  return {
    async findByEmail(email) {
      try {
        // Auth0 matches users-by-email exactly and case-sensitively; database users are stored lower-case.
        const users = await client().users.listUsersByEmail({ email: normalizeEmail(email), fields: FIELDS });
        return users.map((user) => toPerson(user as Record<string, unknown>));
      } catch (error) {
        throw unavailable(error);
      }
    },
    async findById(userId) {
      try {
        const user = await client().users.get(userId, { fields: FIELDS });
        return toPerson(user);
      } catch (error) {
        if (error instanceof ManagementError && error.statusCode === 404) return null;
        throw unavailable(error);
      }
    },
  };
}
