import canonicalize from "canonicalize";
import { sha256Hex } from "@/lib/crypto/sha256";

/** The wording of a purpose that a person is shown and a version fixes. */
export interface PurposeWording {
  title: string;
  description: string;
}

/**
 * SHA-256 (hex) of a purpose's wording: of the UTF-8 bytes of the RFC 8785 JSON of
 * `{ "description", "title" }` (ADR 025), e.g. `{"description":"Send me news.","title":"News"}`.
 * The database checks the same rule on every PurposeVersion row.
 */
export function purposeTextSha256(wording: PurposeWording): string {
  const canonical = canonicalize({ description: wording.description, title: wording.title });
  if (canonical === undefined) throw new Error("Purpose wording cannot be canonicalized");
  return sha256Hex(canonical);
}
