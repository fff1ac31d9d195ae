import type { ReconsentProgress } from "@/lib/admin/read-reconsent-progress";

/** "N of M agreed again" with a progress bar, and who is still to be asked. */
export function ReconsentSummary({ progress }: { progress: ReconsentProgress }) {
  const { accepted, pending, declined, affected } = progress;
  const percent = affected > 0 ? Math.round((accepted / affected) * 100) : 100;
  const label = `${progress.version.title} version ${progress.version.version}`;
  return (
    <div data-testid="reconsent-progress">
      <p className="font-medium">
        {accepted} of {affected} {affected === 1 ? "person has" : "people have"} agreed to {label} ({percent}%).
      </p>
      <progress
        className="mt-2 h-3 w-full"
        max={Math.max(affected, 1)}
        value={affected > 0 ? accepted : 1}
        aria-label={`Re-consent to ${label}`}
      />
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 text-sm text-slate-700">
        <dt>Agreed again</dt>
        <dd className="tabular-nums">{accepted}</dd>
        <dt>Not asked yet (the consent gate asks at their next visit)</dt>
        <dd className="tabular-nums">{pending}</dd>
        <dt>Declined or left</dt>
        <dd className="tabular-nums">{declined}</dd>
      </dl>
    </div>
  );
}
