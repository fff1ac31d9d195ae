import { z } from "zod";
import { formList } from "@/lib/http/form-fields";
import { purposeKeySchema } from "@/lib/policies/schemas";

export const signUpSchema = z.object({
  email: z.email("Enter a valid email address, like name@example.com").max(254).trim(),
  password: z
    .string({ error: "Choose a password" })
    .min(8, "Use at least 8 characters")
    .max(128, "Use at most 128 characters"),
  acceptTerms: z.literal("on", {
    error: "You must accept the Terms of Service and Privacy Policy to create an account",
  }),
  /** Optional purposes ticked by the person (required ones are covered by acceptTerms). */
  purposes: formList(purposeKeySchema).pipe(z.array(purposeKeySchema).max(50)),
  /** The policy versions the form showed; a newer version since then is refused. */
  policyVersionIds: formList(z.uuid()).pipe(z.array(z.uuid()).min(1, "The form is out of date: reload the page")),
  idempotencyKey: z.uuid(),
});
export type SignUpInput = z.output<typeof signUpSchema>;
