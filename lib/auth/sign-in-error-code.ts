/**
 * Why sign-in failed, as a fixed code: `/signin-error` shows only the messages it holds for these
 * codes, never text from the URL (security review L7: the page was a phishing-text canvas).
 */
const SIGN_IN_ERROR_CODES = ["account_closed", "failed"] as const;
export type SignInErrorCode = (typeof SIGN_IN_ERROR_CODES)[number];

/** Auth0's rule (and the emulator) refuse a flagged account with this description. */
const DELETED_USER = /deleted user/i;

/** The code for an identity provider's refusal (its description, when it gave one). */
export function signInErrorCode(description: string | undefined): SignInErrorCode {
  return description && DELETED_USER.test(description) ? "account_closed" : "failed";
}

/** A code read back from the URL; anything unknown is the generic failure. */
export function parseSignInErrorCode(value: unknown): SignInErrorCode {
  return SIGN_IN_ERROR_CODES.find((code) => code === value) ?? "failed";
}
