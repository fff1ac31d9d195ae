import { z } from "zod";

/** A session as the portal names it: the SHA-256 of the cookie's id (lib/auth/session-store.ts). */
const portalSessionId = z.string().regex(/^[0-9a-f]{64}$/, "Not a session id");

export const endMySessionSchema = z.object({ sessionId: portalSessionId });
export type EndMySessionInput = z.input<typeof endMySessionSchema>;

/** An email address or an Auth0 user id, as on the roles page. */
export const endSessionsOfSchema = z.object({
  user: z
    .string()
    .trim()
    .min(1, "Enter an email address or an Auth0 user id")
    .max(320)
    .refine((value) => !value.includes("\u0000"), "Remove the NUL character"),
});
export type EndSessionsOfInput = z.input<typeof endSessionsOfSchema>;
