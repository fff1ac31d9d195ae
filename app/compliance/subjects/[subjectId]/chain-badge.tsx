import type { SubjectAudit } from "@/lib/compliance/read-subject-audit";

/** Whether this subject's hash chain verifies, or where it breaks. */
export function ChainBadge({ chain }: { chain: SubjectAudit["chain"] }) {
  return chain.ok ? (
    <p
      data-testid="chain-badge"
      className="inline-block rounded-full bg-green-100 px-3 py-1 text-sm font-semibold text-green-900"
    >
      ✔ Chain verified ({chain.events} {chain.events === 1 ? "event" : "events"})
    </p>
  ) : (
    <p
      data-testid="chain-badge"
      role="alert"
      className="inline-block rounded-full bg-red-100 px-3 py-1 text-sm font-semibold text-red-900"
    >
      ✖ Chain broken at event {chain.firstBroken?.seq}: {chain.firstBroken?.message}
    </p>
  );
}
