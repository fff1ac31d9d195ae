import { createHash, randomBytes } from "node:crypto";

/** Staff API tokens look like `cpst_` + 43 base64url characters (32 random bytes). */
const STAFF_TOKEN_PREFIX = "cpst_";
const TOKEN_PATTERN = /^cpst_[A-Za-z0-9_-]{43}$/;

export function generateStaffToken(): string {
  return `${STAFF_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function isStaffTokenFormat(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** What is stored: 256 random bits need no slow hash, and a leaked table gives no usable token. */
export function hashStaffToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Enough of the token to tell it apart in a list, too little to use. */
export function staffTokenHint(token: string): string {
  return `${token.slice(0, STAFF_TOKEN_PREFIX.length + 4)}…`;
}
