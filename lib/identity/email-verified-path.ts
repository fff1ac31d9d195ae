/**
 * Where Auth0's verification link lands (the Verification Email template's "Redirect To", and
 * the `result_url` of tickets the portal asks for): the portal re-reads the user there (ADR 040).
 * No `server-only`: the emulator's launcher and the test harness configure the tenant with it.
 */
export const EMAIL_VERIFIED_PATH = "/email-verified";
