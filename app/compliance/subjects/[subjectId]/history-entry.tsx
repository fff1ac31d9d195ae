import { DefinitionList } from "@/components/definition-list";
import { formatTime } from "@/components/format-time";
import type { AuditEvent } from "@/lib/compliance/read-subject-audit";
import { StaffName } from "@/components/staff-name";
import { METHOD_TEXT } from "../../format";

const ACTION_TEXT = {
  granted: "Consent given",
  withdrawn: "Consent withdrawn",
  erased: "Subject erased",
  requested: "Consent requested (address not verified)",
} as const;

/** One event of the subject's chain, with everything its hash covers and a link to its receipt. */
export function HistoryEntry({
  event,
  subjectId,
  brokenHere,
  staffEmails,
}: {
  event: AuditEvent;
  subjectId: string;
  brokenHere: boolean;
  /** Staff actors' emails from the staff directory (ADR 041). */
  staffEmails: ReadonlyMap<string, string>;
}) {
  return (
    <li
      className={`rounded-xl bg-white p-4 shadow-sm ${brokenHere ? "border-2 border-red-600" : ""}`}
      data-testid="audit-event"
    >
      <h3 className="font-semibold">
        #{event.seq} {ACTION_TEXT[event.action]}
        {event.purposeWording && <> — {event.purposeWording.title}</>}
        {brokenHere && <span className="ml-2 text-red-800">(the chain breaks here)</span>}
      </h3>
      <DefinitionList
        className="mt-2"
        items={[
          {
            term: "Recorded",
            value: (
              <>
                {formatTime(event.serverTime)}
                {event.clientTime && <> (device time {formatTime(event.clientTime)})</>}
              </>
            ),
          },
          event.purposeWording && {
            term: "Wording shown",
            value: (
              <span data-testid="audit-event-wording">
                Version {event.purposeWording.version}: {event.purposeWording.description}
                {event.hashVersion === 1 && (
                  <span className="block text-slate-600">
                    Recorded before purpose wording was versioned: the wording on record then, not covered by this
                    event&apos;s hash.
                  </span>
                )}
              </span>
            ),
          },
          event.purposeWording && {
            term: "Wording SHA-256",
            value: event.purposeWording.textSha256,
            mono: "hash",
          },
          { term: "Under", value: event.policy ? `${event.policy.title} version ${event.policy.version}` : "—" },
          { term: "Text SHA-256", value: event.policyTextSha256 ?? "—", mono: "hash" },
          { term: "How", value: `${METHOD_TEXT[event.method]} (${event.method})` },
          {
            term: "By",
            value: (
              <span className="break-all">
                {event.actorType === "self" ? (
                  "the person"
                ) : event.actorType === "staff" ? (
                  <>
                    staff <StaffName id={event.actorId} emails={staffEmails} />
                  </>
                ) : (
                  `${event.actorType} ${event.actorId ?? ""}`
                )}
                {event.actorReason && <> — reason: {event.actorReason}</>}
              </span>
            ),
          },
          event.ipTruncated ? { term: "Network", value: event.ipTruncated } : null,
          { term: "Hash", value: event.hash, mono: "hash" },
        ]}
      />
      {event.action !== "erased" && event.action !== "requested" && (
        <a
          className="mt-2 inline-block text-sm font-medium text-blue-800 underline"
          href={`/compliance/subjects/${subjectId}/receipts/${event.id}`}
          download
        >
          Download receipt
          <span className="sr-only">
            {" "}
            for #{event.seq} {ACTION_TEXT[event.action]}
            {event.purposeWording && <> — {event.purposeWording.title}</>}
          </span>{" "}
          (JSON)
        </a>
      )}
    </li>
  );
}
