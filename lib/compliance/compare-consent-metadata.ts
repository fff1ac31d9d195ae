import type { Auth0ConsentMetadata } from "@/lib/consent/auth0-consent-metadata";

/** One line of the side-by-side view: a field of `user_metadata.consent` in the ledger and in Auth0. */
interface MetadataRow {
  field: string;
  ledger: string;
  auth0: string;
  same: boolean;
}

export interface MetadataComparison {
  rows: MetadataRow[];
  differences: number;
  /** What Auth0 holds: the ledger's projection, the seed's legacy shape, nothing, or something else. */
  auth0Shape: "projection" | "legacy" | "missing" | "unrecognised";
}

const ABSENT = "—";

function show(value: unknown): string {
  if (value === undefined || value === null || value === "") return ABSENT;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The rest of what Auth0 holds about consent, beside `user_metadata.consent`. */
interface ConsentKeysBeside {
  /** Flat consent keys in `user_metadata` (sign-up's strings); the ledger expects none. */
  flatKeys?: Record<string, unknown>;
  /** The ledger says the account is closed: Auth0 should flag it `app_metadata.deleted`. */
  closed?: boolean;
  /** Auth0's `app_metadata.deleted`. */
  flaggedDeleted?: boolean;
}

/**
 * Compares every consent-related key the ledger implies with what Auth0 holds, field by field:
 * `user_metadata.consent` (`purposes.<key>` one line each), the flat keys sign-up wrote
 * (`user_metadata.<key>`, expected gone once the object is written) and `app_metadata.deleted`
 * (a line only when either side says deleted). A ledger with no decisions expects no consent in Auth0.
 * The subject page and the scheduled reconciliation (ADR 041) both judge drift by it.
 */
export function compareConsentMetadata(
  ledger: Auth0ConsentMetadata | null,
  auth0: unknown,
  beside: ConsentKeysBeside = {},
): MetadataComparison {
  const expected = ledger && ledger.date !== "" ? ledger : null;
  const actual = isRecord(auth0) ? auth0 : null;
  const auth0Shape =
    actual === null
      ? "missing"
      : isRecord(actual.purposes) || "version" in actual
        ? "projection"
        : "given" in actual
          ? "legacy"
          : "unrecognised";
  const rows: MetadataRow[] = [];
  const add = (field: string, left: unknown, right: unknown) => {
    const [ledgerText, auth0Text] = [show(left), show(right)];
    rows.push({ field, ledger: ledgerText, auth0: auth0Text, same: ledgerText === auth0Text });
  };
  if (expected || actual) {
    for (const field of ["given", "date", "text_details", "version"] as const)
      add(field, expected?.[field], actual?.[field]);
    const ledgerPurposes = expected?.purposes ?? {};
    const auth0Purposes = isRecord(actual?.purposes) ? actual.purposes : {};
    const keys = [...new Set([...Object.keys(ledgerPurposes), ...Object.keys(auth0Purposes)])].sort();
    for (const key of keys) add(`purposes.${key}`, ledgerPurposes[key], auth0Purposes[key]);
    const known = new Set(["given", "date", "text_details", "version", "purposes"]);
    for (const key of Object.keys(actual ?? {})
      .filter((name) => !known.has(name))
      .sort()) {
      add(key, undefined, actual?.[key]);
    }
  }
  for (const [key, value] of Object.entries(beside.flatKeys ?? {})) add(`user_metadata.${key}`, undefined, value);
  if (beside.closed || beside.flaggedDeleted) {
    add("app_metadata.deleted", beside.closed ? true : undefined, beside.flaggedDeleted ? true : undefined);
  }
  return { rows, differences: rows.filter((row) => !row.same).length, auth0Shape };
}
