/**
 * A staff member as staff pages name them: their email from the staff directory (ADR 041), the
 * pseudonymous id the evidence keeps beside it; the id alone when the directory does not know
 * them (never signed in since the directory began, or erased).
 */
export function StaffName({ id, emails }: { id: string | null | undefined; emails: ReadonlyMap<string, string> }) {
  if (!id) return <>someone unrecorded</>;
  const email = emails.get(id);
  if (!email) return <span className="font-mono break-all">{id}</span>;
  return (
    <span data-testid="staff-name">
      <span className="font-medium break-all">{email}</span>{" "}
      <span className="font-mono text-xs break-all text-slate-600">({id})</span>
    </span>
  );
}
