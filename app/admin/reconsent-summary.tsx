import { DefinitionList } from "@/components/definition-list";
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
      <DefinitionList
        className="mt-2 tabular-nums"
        items={[
          { term: "Agreed again", value: accepted },
          { term: "Not asked yet (the consent gate asks at their next visit)", value: pending },
          { term: "Declined or left", value: declined },
        ]}
      />
    </div>
  );
}
