import type { z } from "zod";
import type { ActionState } from "./action-state";
import { fieldIssues, formDataToObject } from "./validation";

/**
 * A server action's form, validated: the parsed input, or the answer that names each bad field.
 * Pure (no session, no database), so the same code runs in the property tests of every action's
 * schema (lib/http/form-validation.test.ts).
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  formData: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; state: ActionState } {
  // A hand-made request may call the action with anything (or nothing) in place of the form.
  const fields = formData instanceof FormData ? formDataToObject(formData) : {};
  // PostgreSQL refuses NUL in text: say which field, rather than fail on the write.
  const withNul = Object.entries(fields).find(([, value]) => [value].flat().some((text) => text.includes("\0")));
  if (withNul) {
    const reason = "contains a NUL character";
    return {
      ok: false,
      state: { status: "error", message: "Please correct the marked fields.", fieldErrors: { [withNul[0]]: reason } },
    };
  }
  const parsed = schema.safeParse(fields);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of fieldIssues(parsed.error)) fieldErrors[issue.field] ??= issue.reason;
    return { ok: false, state: { status: "error", message: "Please correct the marked fields.", fieldErrors } };
  }
  return { ok: true, data: parsed.data };
}
