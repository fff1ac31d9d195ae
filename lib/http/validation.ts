import type { z } from "zod";
// Every schema validated through here speaks plain words (side effect: zod's global config).
import "./plain-validation-messages";

export interface FieldIssue {
  field: string;
  reason: string;
}

/** zod issues as `{ field, reason }` pairs a person (or an API client) can act on. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : "(body)",
    reason: issue.message,
  }));
}

/**
 * FormData as a plain object: a key sent once is a string, a key sent several times (a group
 * of checkboxes) is an array. Schemas that expect a list accept both (see `formList` in form-fields.ts).
 */
export function formDataToObject(formData: FormData): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue; // React's own fields
    const values = formData.getAll(key).filter((value): value is string => typeof value === "string");
    result[key] = values.length === 1 ? values[0]! : values;
  }
  return result;
}
