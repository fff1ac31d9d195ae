import { z } from "zod";

export const auth0UserIdSchema = z.string().trim().min(1).max(200);

export const ensureSubjectSchema = z.strictObject({
  /** Auth0 `user_id` / `sub`, e.g. `auth0|64f…`. */
  auth0UserId: auth0UserIdSchema,
  email: z.email().max(320),
  name: z.string().trim().max(200).nullish(),
});
export type EnsureSubjectInput = z.input<typeof ensureSubjectSchema>;

export const subjectIdSchema = z.uuid();
