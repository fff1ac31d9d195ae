import type { ConsentState, PolicyVersion, Purpose } from "@/lib/generated/prisma/client";

/**
 * `user_metadata.consent` as Auth0's GDPR guide shapes it (`given`, `date`, `text_details`),
 * plus the `version` agreed to and each purpose's current answer. Always written whole: Auth0
 * replaces nested objects on PATCH, so a partial object would drop the other keys.
 */
export interface Auth0ConsentMetadata {
  /** Every required purpose is currently granted. */
  given: boolean;
  /** When the latest decision was made (ISO 8601). */
  date: string;
  /** URL of the document version the required consent refers to. */
  text_details: string;
  /** That document's version label. */
  version: string;
  /** purpose key → currently granted. */
  purposes: Record<string, boolean>;
}

/**
 * The flat `user_metadata` keys that carried consent before the `consent` object: sign-up's
 * (Auth0's signup endpoint takes string values only) and the seed's root-property example
 * (`consentDetails`). The sync removes them once the object is written (ADR 041).
 */
export const FLAT_CONSENT_KEYS = [
  "consentGiven",
  "consentDate",
  "consentTextDetails",
  "consentVersion",
  "consentDetails",
] as const;
type FlatConsentKey = (typeof FLAT_CONSENT_KEYS)[number];

/** What sign-up may put in `user_metadata` before the ledger's object replaces it. */
export type SignupConsentMetadata = Partial<Record<FlatConsentKey, string>>;

/**
 * The `user_metadata` PATCH that makes Auth0 hold the one documented shape: the whole `consent`
 * object, and `null` for each flat key (Auth0 merges root keys; `null` deletes one). Other keys
 * people or apps keep in `user_metadata` are left alone.
 */
export function consentMetadataPatch(consent: Auth0ConsentMetadata): Record<string, unknown> {
  return { consent, ...Object.fromEntries(FLAT_CONSENT_KEYS.map((key) => [key, null])) };
}

/** The flat consent keys present in a `user_metadata` object, with their values. */
export function flatConsentKeys(userMetadata: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    FLAT_CONSENT_KEYS.filter((key) => userMetadata?.[key] !== undefined).map((key) => [key, userMetadata?.[key]]),
  );
}

/** Builds the metadata object from the projection (pure; see readConsentMetadata). */
export function buildAuth0ConsentMetadata(input: {
  purposes: Purpose[];
  states: ConsentState[];
  versions: Pick<PolicyVersion, "id" | "version" | "url">[];
  resolveUrl: (url: string) => string;
}): Auth0ConsentMetadata {
  const { purposes, states, versions, resolveUrl } = input;
  const stateOf = (purpose: Purpose) => states.find((row) => row.purposeId === purpose.id);
  const required = purposes.filter((purpose) => purpose.required);
  const latest = [...states].sort((a, b) => b.seq - a.seq)[0];
  // The document of the (first) required purpose, else of the latest decision.
  const anchor = required.map(stateOf).find((row) => row?.policyVersionId) ?? latest;
  const version = versions.find((candidate) => candidate.id === anchor?.policyVersionId);
  return {
    given: required.length > 0 && required.every((purpose) => stateOf(purpose)?.status === "granted"),
    date: latest ? latest.updatedAt.toISOString() : "",
    text_details: version ? resolveUrl(version.url) : "",
    version: version?.version ?? "",
    purposes: Object.fromEntries(
      purposes
        .filter((purpose) => stateOf(purpose))
        .map((purpose) => [purpose.key, stateOf(purpose)?.status === "granted"]),
    ),
  };
}
