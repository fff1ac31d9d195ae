import "server-only";
import { env } from "@/lib/env";

/** What the person just did: deleted the account (erasure) or closed it (withdrew or declined the Terms). */
export const ACCOUNT_ENDINGS = ["deleted", "closed"] as const;
export type AccountEnding = (typeof ACCOUNT_ENDINGS)[number];

/** The one page people land on after their account ends; an allowed logout URL of the Auth0 application. */
const ACCOUNT_CLOSED_PATH = "/account-closed";

/**
 * Ends the session at the portal and at Auth0, then lands on the account-closed page. Which of
 * the two endings travels as the logout `state` (OIDC RP-initiated logout returns it unchanged),
 * so the page's address is fixed and needs registering once.
 */
export function signOutAfter(ending: AccountEnding): string {
  const landing = new URL(ACCOUNT_CLOSED_PATH, env().APP_BASE_URL).toString();
  return `/auth/logout?${new URLSearchParams({ returnTo: landing, state: ending })}`;
}
