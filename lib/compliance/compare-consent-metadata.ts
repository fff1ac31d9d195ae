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

/**
 * Compares the `user_metadata.consent` the ledger implies with the one Auth0 holds, field by
 * field (`purposes.<key>` one line each). A ledger with no decisions expects no consent in Auth0.
 */
export function compareConsentMetadata(ledger: Auth0ConsentMetadata | null, auth0: unknown): MetadataComparison {
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
  return { rows, differences: rows.filter((row) => !row.same).length, auth0Shape };
}
