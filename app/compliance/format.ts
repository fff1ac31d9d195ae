/** The first value of a search parameter (a repeated one counts once). */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[key] = first;
  }
  return result;
}

export const subjectHref = (subjectId: string) => `/compliance/subjects/${subjectId}`;

export const METHOD_TEXT = {
  signup: "at sign-up",
  portal: "in the portal",
  reconsent: "at re-consent",
  api: "through the API",
  staff: "recorded by staff",
  migration: "imported",
  email_confirmation: "confirmed by verifying the email address",
} as const;
