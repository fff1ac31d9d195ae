import "server-only";
import { AppError } from "@/lib/errors";
import { auth0, type Auth0Gateway, type Auth0User } from "@/lib/auth0/auth0-gateway";
import { normalizeEmail } from "@/lib/crypto/blind-index";
import { flatConsentKeys } from "@/lib/consent/auth0-consent-metadata";

/** What the compliance workspace reads of an Auth0 user. */
export interface Auth0Person {
  userId: string;
  email: string | null;
  name: string | null;
  createdAt: string | null;
  /** `user_metadata.consent` as Auth0 holds it (the seed's legacy shape, or the ledger's projection). */
  consentMetadata: unknown;
  /** Flat consent keys left in `user_metadata` (sign-up's strings), removed by the sync (ADR 041). */
  flatConsentKeys: Record<string, unknown>;
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

function toPerson(user: Auth0User): Auth0Person {
  const userMetadata = user.user_metadata ?? {};
  const appMetadata = user.app_metadata ?? {};
  return {
    userId: String(user.user_id),
    email: typeof user.email === "string" ? user.email : null,
    name: typeof user.name === "string" ? user.name : null,
    createdAt: typeof user.created_at === "string" ? user.created_at : null,
    consentMetadata: userMetadata.consent ?? null,
    flatConsentKeys: flatConsentKeys(userMetadata),
    flaggedDeleted: appMetadata.deleted === true,
  };
}

/**
 * Staff pages show the ledger side even when Auth0 cannot answer: any refusal of a directory
 * look-up (a 400 for an odd id as much as a 5xx) reads as "Auth0 unavailable" there.
 */
async function unavailableOnFailure<T>(lookUp: () => Promise<T>): Promise<T> {
  try {
    return await lookUp();
  } catch (error) {
    if (error instanceof AppError && error.code !== "upstream_unavailable") {
      throw new AppError("upstream_unavailable", error.message, { cause: error });
    }
    throw error;
  }
}

/** The directory backed by an Auth0 gateway (the portal's own by default). */
export function auth0Directory(gateway: () => Auth0Gateway = auth0): Auth0Directory {
  return {
    async findByEmail(email) {
      // Auth0 matches users-by-email exactly and case-sensitively; database users are stored lower-case.
      const users = await unavailableOnFailure(() =>
        gateway().findUsersByEmail(normalizeEmail(email), { fields: FIELDS }),
      );
      return users.map(toPerson);
    },
    async findById(userId) {
      const user = await unavailableOnFailure(() => gateway().getUser(userId, { fields: FIELDS }));
      return user && toPerson(user);
    },
  };
}
