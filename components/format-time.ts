/** `2026-11-23 14:05:09 UTC`: every screen shows times in UTC, to the second; `—` for none. */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  return `${toDate(value).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `2026-11-23` (UTC) */
export function formatDate(value: Date | string): string {
  return toDate(value).toISOString().slice(0, 10);
}

function toDate(value: Date | string): Date {
  return typeof value === "string" ? new Date(value) : value;
}
