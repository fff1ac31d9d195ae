import { z } from "zod";

export const auth0UserIdSchema = z.string().trim().min(1).max(200);

export const ensureSubjectSchema = z.strictObject({
  /** Auth0 `user_id` / `sub`, e.g. `auth0|64f…`. */
  auth0UserId: auth0UserIdSchema,
  email: z.email().max(320),
  name: z.string().trim().max(200).nullish(),
  /**
   * For a subject created here: Auth0 already reports the address verified (the demo accounts,
   * test people). An existing subject learns it only through `confirmEmailConsents`.
   */
  emailVerified: z.boolean().optional(),
});
export type EnsureSubjectInput = z.input<typeof ensureSubjectSchema>;

export const subjectIdSchema = z.uuid();
