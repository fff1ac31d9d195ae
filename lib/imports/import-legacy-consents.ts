import "server-only";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { auditActor, type Actor } from "@/lib/auth/actor";
import { inTransaction } from "@/lib/db/transaction";
import type { Tx } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/errors";
import type { PolicyVersion, Purpose, PurposeVersion } from "@/lib/generated/prisma/client";
import { appendConsentEvents, type ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import { fingerprintRequest } from "@/lib/ledger/event-hash";
import { enqueueOutboxMessage } from "@/lib/outbox/enqueue-outbox-message";
import { resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { listPurposeVersions } from "@/lib/policies/read-purpose-versions";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { db } from "@/lib/db/client";
import { auth0ExportLineSchema, legacyConsentSchema, parseLegacyDate, type LegacyConsent } from "./schemas";

/** A line the import did not record, and why (1-based line numbers, as an editor shows them). */
interface ImportLineNote {
  line: number;
  reason: string;
}

export interface LegacyImportReport {
  /** Non-blank lines read. */
  lines: number;
  /** Lines whose decisions were recorded now. */
  imported: number;
  /** Ledger events appended. */
  events: number;
  /** Lines recorded by an earlier run (same user, purpose and date): nothing appended again. */
  alreadyImported: number;
  /** Valid lines with nothing to record: no consent, a flagged account, or newer decisions already in the ledger. */
  skipped: ImportLineNote[];
  /** Lines that could not be read or recorded. */
  rejected: ImportLineNote[];
  /** The notes were cut off after this many of each kind (the counts above stay exact). */
  truncated: boolean;
  skippedCount: number;
  rejectedCount: number;
}

export interface ImportLegacyConsentsOptions {
  /** Notes kept per kind in the report (the rest are counted). */
  maxNotes?: number;
  /** Lines imported at once (different people only); 1 imports strictly in file order. */
  concurrency?: number;
}

/** Why a line is not recorded; `skip` for valid lines with nothing to do. */
class LineOutcome extends Error {
  constructor(
    readonly kind: "skip" | "reject",
    message: string,
  ) {
    super(message);
  }
}

interface Catalog {
  purposes: Purpose[];
  policyVersions: PolicyVersion[];
  wordings: PurposeVersion[];
}

/** Every line's decisions share one idempotency key per subject: its original date. */
const importKey = (date: Date) => `auth0-import:${date.toISOString()}`;

function readConsent(text: string): {
  user: ReturnType<typeof auth0ExportLineSchema.parse>;
  consent: LegacyConsent | null;
} {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LineOutcome("reject", "not valid JSON");
  }
  const user = auth0ExportLineSchema.safeParse(json);
  if (!user.success) throw new LineOutcome("reject", user.error.issues[0]!.message);
  const raw = user.data.user_metadata?.consent ?? user.data.consent;
  if (raw === undefined || raw === null) return { user: user.data, consent: null };
  const consent = legacyConsentSchema.safeParse(raw);
  if (!consent.success) {
    const issue = consent.error.issues[0]!;
    const path = issue.path.length ? `consent.${issue.path.join(".")}: ` : "consent: ";
    throw new LineOutcome("reject", `${path}${issue.message}`);
  }
  return { user: user.data, consent: consent.data };
}

/** The document version a legacy `text_details` names, if the portal published it (matched by URL). */
function policyVersionFor(catalog: Catalog, purpose: Purpose, textDetails: string | undefined): PolicyVersion | null {
  if (!textDetails) return null;
  return (
    catalog.policyVersions.find(
      (version) =>
        version.kind === purpose.policyKind &&
        (version.url === textDetails || resolvePolicyUrl(version.url) === textDetails),
    ) ?? null
  );
}

/** The purpose's wording in force on the original date (its first version when the date is older). */
function wordingAt(catalog: Catalog, purpose: Purpose, date: Date): PurposeVersion {
  const versions = catalog.wordings
    .filter((wording) => wording.purposeId === purpose.id)
    .sort((a, b) => a.version - b.version);
  const inForce = versions.filter((wording) => wording.publishedAt <= date).at(-1) ?? versions[0];
  if (!inForce) throw new Error(`Purpose ${purpose.key} has no version`);
  return inForce;
}

/** purpose → granted, from per-purpose answers or, in the guide's shape, `given` for the required purposes. */
function decisionsOf(catalog: Catalog, consent: LegacyConsent): Array<{ purpose: Purpose; granted: boolean }> {
  if (consent.purposes) {
    const unknown = Object.keys(consent.purposes).filter(
      (key) => !catalog.purposes.some((purpose) => purpose.key === key),
    );
    if (unknown.length) throw new LineOutcome("reject", `unknown purpose: ${unknown.join(", ")}`);
    return catalog.purposes
      .filter((purpose) => purpose.key in consent.purposes!)
      .map((purpose) => ({ purpose, granted: consent.purposes![purpose.key]! }));
  }
  const required = catalog.purposes.filter((purpose) => purpose.required && !purpose.retiredAt);
  if (required.length === 0) throw new LineOutcome("reject", "no purpose is required, so `given` names none");
  return required.map((purpose) => ({ purpose, granted: consent.given }));
}

async function importLine(
  text: string,
  catalog: Catalog,
  actor: Actor,
): Promise<{ events: number; replayed: boolean }> {
  const { user, consent } = readConsent(text);
  if (user.deleted === true || user.app_metadata?.deleted === true)
    throw new LineOutcome("skip", "the account is flagged as deleted");
  if (!consent) throw new LineOutcome("skip", "no user_metadata.consent");
  const date = parseLegacyDate(consent.date);
  if (!date) throw new LineOutcome("reject", `consent.date "${consent.date}" is neither MM/DD/YYYY nor ISO 8601`);
  if (date.getTime() > Date.now() + 86_400_000)
    throw new LineOutcome("reject", `consent.date ${consent.date} is in the future`);
  if (!user.email) throw new LineOutcome("reject", "`email` is missing: the portal identifies people by it");
  const decisions = decisionsOf(catalog, consent);
  if (decisions.length === 0) throw new LineOutcome("skip", "consent names no purpose");

  const { actorType, actorId } = auditActor(actor);
  // The evidence the legacy record carries: its date is the event's client time, its text_details
  // (and version) the recorded reason; both are in the event's hash and the transparency log.
  const actorReason = [
    "imported from Auth0 user_metadata.consent",
    consent.text_details ? `text_details: ${consent.text_details}` : null,
    consent.version ? `version: ${consent.version}` : null,
  ]
    .filter(Boolean)
    .join("; ")
    .slice(0, 1_000);
  const requestFingerprint = fingerprintRequest({
    operation: "import",
    source: "auth0",
    date: date.toISOString(),
    decisions: decisions.map(({ purpose, granted }) => [purpose.key, granted]),
    textDetails: consent.text_details ?? null,
    version: consent.version ?? null,
  });

  return inTransaction(undefined, async (tx: Tx) => {
    const subject = await ensureSubject({ auth0UserId: user.user_id, email: user.email!, name: user.name ?? null }, tx);
    const result = await appendConsentEvents(
      {
        subjectId: subject.id,
        idempotencyKey: importKey(date),
        requestFingerprint,
        decide: async ({ state }, tx) => {
          const current = await tx.consentEvent.findMany({
            where: { id: { in: state.map((row) => row.eventId) } },
            select: { id: true, method: true, clientTime: true },
          });
          const drafts: ConsentEventDraft[] = [];
          for (const { purpose, granted } of decisions) {
            const row = state.find((candidate) => candidate.purposeId === purpose.id);
            if (row) {
              const event = current.find((candidate) => candidate.id === row.eventId);
              // The ledger already holds a later decision (made in the portal, or a newer legacy
              // record): an older legacy answer must not overwrite it.
              const olderImport = event?.method === "migration" && event.clientTime !== null && event.clientTime < date;
              if (!olderImport) continue;
              if ((row.status === "granted") === granted) continue;
            }
            const wording = wordingAt(catalog, purpose, date);
            const version = policyVersionFor(catalog, purpose, consent.text_details);
            drafts.push({
              action: granted ? "granted" : "withdrawn",
              purposeId: purpose.id,
              purposeVersionId: wording.id,
              purposeTextSha256: wording.textSha256,
              policyVersionId: version?.id ?? null,
              policyTextSha256: version?.textSha256 ?? null,
              method: "migration",
              actorType,
              actorId,
              actorReason,
              clientTime: date,
              ipTruncated: null,
              userAgentHash: null,
            });
          }
          return drafts;
        },
      },
      tx,
    );
    if (!result.replayed && result.events.length > 0) {
      // Auth0 then holds the portal's shape of the same consent (the seed's sync).
      await enqueueOutboxMessage(
        {
          subjectId: subject.id,
          seq: result.subject.lastSeq,
          kind: "sync_consent",
          auth0UserId: result.subject.auth0UserId,
        },
        tx,
      );
    }
    if (!result.replayed && result.events.length === 0) {
      throw new LineOutcome("skip", "the ledger already holds these or later decisions");
    }
    return { events: result.replayed ? 0 : result.events.length, replayed: result.replayed };
  });
}

/**
 * Imports an Auth0 users export (NDJSON, one user per line) into the ledger: each user's
 * `user_metadata.consent` becomes ordinary ledger events (hash chain, transparency log, webhooks)
 * with method `migration`, the original date as client time and `text_details` in the reason.
 * Reads the stream line by line (never the whole file) and records each line in its own
 * transaction, a few people at a time. Resumable: a line's events are keyed on the user (its subject), the purpose and
 * the original date, so a re-run after a crash or on an overlapping export appends nothing twice.
 * Bad lines do not stop the import: the report names them with their line number and reason.
 */
export async function importLegacyConsents(
  source: Readable | AsyncIterable<Uint8Array | string>,
  actor: Actor,
  options: ImportLegacyConsentsOptions = {},
): Promise<LegacyImportReport> {
  // Records for other people: admins, the system (the npm script) and API clients whose scope the
  // API's wrapper checked; never a person, nor compliance staff (who only read).
  if (actor.kind === "person" || (actor.kind === "staff" && !actor.roles.includes("admin"))) {
    throw new AppError("forbidden", "Only admins can import consent records.");
  }
  const maxNotes = options.maxNotes ?? 1_000;
  const [purposes, policyVersions] = await Promise.all([
    db().purpose.findMany({ orderBy: { key: "asc" } }),
    db().policyVersion.findMany(),
  ]);
  const catalog: Catalog = { purposes, policyVersions, wordings: await listPurposeVersions() };
  const report: LegacyImportReport = {
    lines: 0,
    imported: 0,
    events: 0,
    alreadyImported: 0,
    skipped: [],
    rejected: [],
    truncated: false,
    skippedCount: 0,
    rejectedCount: 0,
  };
  const note = (list: ImportLineNote[], entry: ImportLineNote) => {
    if (list.length < maxNotes) list.push(entry);
    else report.truncated = true;
  };
  const input = source instanceof Readable ? source : Readable.from(source);
  const lines = createInterface({ input, crlfDelay: Infinity });

  const importOne = async (text: string, line: number) => {
    try {
      const { events, replayed } = await importLine(text, catalog, actor);
      if (replayed) report.alreadyImported += 1;
      else {
        report.imported += 1;
        report.events += events;
      }
    } catch (error) {
      if (error instanceof LineOutcome) {
        if (error.kind === "skip") {
          report.skippedCount += 1;
          note(report.skipped, { line, reason: error.message });
        } else {
          report.rejectedCount += 1;
          note(report.rejected, { line, reason: error.message });
        }
      } else if (isAppError(error)) {
        // The ledger's own refusals (an erased person, a conflicting earlier import) are per line.
        report.rejectedCount += 1;
        note(report.rejected, { line, reason: lineReason(error) });
      } else {
        fatal ??= { error };
      }
    }
  };

  // A few lines at a time, in lanes by user id: one person's lines stay in file order (their
  // chain, and "newer wins"), different people's overlap their database round trips. A lane
  // holding too many lines is waited for, so memory stays bounded however long the file.
  const laneCount = options.concurrency ?? 4;
  const lanes = Array.from({ length: laneCount }, () => ({ tail: Promise.resolve(), queued: 0 }));
  let fatal: { error: unknown } | undefined;
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (fatal) break;
    if (text.trim() === "") continue;
    report.lines += 1;
    const line = number;
    const lane = lanes[laneOf(text, laneCount)]!;
    lane.queued += 1;
    lane.tail = lane.tail.then(() => importOne(text, line)).finally(() => (lane.queued -= 1));
    if (lane.queued >= MAX_QUEUED_PER_LANE) await lane.tail;
  }
  await Promise.all(lanes.map((lane) => lane.tail));
  if (fatal) throw fatal.error;
  // Lanes finish out of order: the notes read in file order.
  report.skipped.sort((a, b) => a.line - b.line);
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

const MAX_QUEUED_PER_LANE = 16;

/** The lane of a line: by its user id, so a person's lines are imported one after the other. */
function laneOf(text: string, laneCount: number): number {
  let userId = "";
  try {
    const id = (JSON.parse(text) as { user_id?: unknown } | null)?.user_id;
    if (typeof id === "string") userId = id;
  } catch {
    // not JSON: rejected whichever lane reads it
  }
  let hash = 0;
  for (let index = 0; index < userId.length; index += 1) hash = (hash * 31 + userId.charCodeAt(index)) | 0;
  return Math.abs(hash) % laneCount;
}

function lineReason(error: AppError): string {
  if (error.code === "idempotency_conflict") {
    return "already imported with different consent for this user and date";
  }
  if (error.code === "subject_erased") return "this person's data was erased";
  return error.message;
}
