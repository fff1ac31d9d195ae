const LABELS = {
  granted: { text: "Given", className: "bg-green-100 text-green-900" },
  withdrawn: { text: "Withdrawn", className: "bg-amber-100 text-amber-900" },
  never: { text: "Not given", className: "bg-slate-200 text-slate-800" },
  /** Asked for with an address not yet verified (ADR 040): not given. */
  pending: { text: "Waiting for email confirmation", className: "bg-sky-100 text-sky-900" },
} as const;

export function ConsentStatusBadge({ status }: { status: keyof typeof LABELS }) {
  const label = LABELS[status];
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-sm font-semibold ${label.className}`}>
      {label.text}
    </span>
  );
}
