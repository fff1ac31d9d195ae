import { createHash } from "node:crypto";

/** SHA-256 of UTF-8 text, lower-case hex (policy texts, request fingerprints). */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
