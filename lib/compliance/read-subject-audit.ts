import "server-only";
import type { Auth0ConsentMetadata } from "@/lib/consent/auth0-consent-metadata";
import { readConsentMetadata } from "@/lib/consent/read-consent-metadata";
import { readConsentStatus, type ConsentStatusView } from "@/lib/consent/read-consent-status";
import { AppError } from "@/lib/errors";
import type {
  ActorType,
  CollectionMethod,
  ConsentAction,
  PolicyKind,
  PurposeVersion,
} from "@/lib/generated/prisma/client";
import { readWordings } from "@/lib/policies/read-purpose-versions";
import { ChainChecker, type ChainBreak } from "@/lib/ledger/event-hash";
import { subjectIdSchema } from "@/lib/subjects/schemas";
import { toSubjectView, type SubjectView } from "@/lib/subjects/subject-profile";
import { auth0Directory, type Auth0Directory, type Auth0Person } from "./auth0-directory";
import { compareConsentMetadata, type MetadataComparison } from "./compare-consent-metadata";
import { readWithAccessLog } from "./read-with-access-log";
import type { Actor } from "@/lib/auth/actor";

/** One decision in the subject's chain, with everything an auditor asks about it. */
export interface AuditEvent {
  id: string;
  seq: number;
  action: ConsentAction;
  purposeKey: string | null;
  /** The purpose wording the person was shown (ADR 025): its version, title and SHA-256. */
  purposeWording: { version: number; title: string; description: string; textSha256: string } | null;
  /** 2: `purposeWording.textSha256` is among the event's hashed fields; 1: recorded before versions. */
  hashVersion: number;
  policy: { kind: PolicyKind; version: string; title: string } | null;
  policyTextSha256: string | null;
  method: CollectionMethod;
  actorType: ActorType;
  actorId: string | null;
  actorReason: string | null;
  clientTime: Date | null;
  serverTime: Date;
  ipTruncated: string | null;
  hash: string;
}

interface SubjectChainCheck {
  ok: boolean;
  events: number;
  firstBroken: ChainBreak | null;
}

/** What Auth0 holds for the person, next to what the ledger says it should hold. */
type Auth0Side =
  | { state: "found"; person: Auth0Person; comparison: MetadataComparison }
  | { state: "no_account" }
  | { state: "not_found" }
  | { state: "unreachable"; message: string };

export interface SubjectAudit {
  subject: SubjectView;
  status: ConsentStatusView;
  /** Oldest first: the chain's own order. */
  history: AuditEvent[];
  chain: SubjectChainCheck;
  /** `user_metadata.consent` as the ledger's current state implies it. */
  ledgerMetadata: Auth0ConsentMetadata;
  /** Changes not yet delivered to Auth0: differences are expected until they are. */
  pendingSync: number;
  auth0: Auth0Side;
}

/**
 * Everything the subject page shows: current state, the full history with the chain verified
 * from the same snapshot, and the Auth0 side by side. The view is written to the access log in
 * the reading transaction; the Auth0 profile is fetched only after that has committed.
 */
export async function readSubjectAudit(
  actor: Actor,
  subjectId: string,
  options: { directory?: Auth0Directory; purpose?: "view" | "export" } = {},
): Promise<SubjectAudit> {
  if (!subjectIdSchema.safeParse(subjectId).success) throw new AppError("not_found", "No such subject.");
  const ledger = await readWithAccessLog(
    actor,
    async (tx) => {
      const row = await tx.subject.findUnique({ where: { id: subjectId } });
      if (!row) throw new AppError("not_found", "No such subject.");
      // One connection serves the transaction: queries run one after another.
      const status = await readConsentStatus(subjectId, tx);
      const events = await tx.consentEvent.findMany({
        where: { subjectId },
        orderBy: { seq: "asc" },
        include: {
          purpose: { select: { key: true } },
          policyVersion: { select: { kind: true, version: true, title: true } },
        },
      });
      const wordingOf = await readWordings(events, tx);
      const ledgerMetadata = await readConsentMetadata(subjectId, tx);
      const pendingSync = await tx.outboxMessage.count({ where: { subjectId, status: "pending" } });
      const checker = new ChainChecker(subjectId);
      for (const event of events) checker.add(event);
      const firstBroken = checker.finish({ lastSeq: row.lastSeq, lastHash: row.lastHash });
      return {
        subject: toSubjectView(row),
        status: status!,
        history: events.map((event): AuditEvent => ({
          id: event.id,
          seq: event.seq,
          action: event.action,
          purposeKey: event.purpose?.key ?? null,
          purposeWording: pickWording(wordingOf(event)),
          hashVersion: event.hashVersion,
          policy: event.policyVersion,
          policyTextSha256: event.policyTextSha256,
          method: event.method,
          actorType: event.actorType,
          actorId: event.actorId,
          actorReason: event.actorReason,
          clientTime: event.clientTime,
          serverTime: event.serverTime,
          ipTruncated: event.ipTruncated,
          hash: event.hash,
        })),
        chain: { ok: firstBroken === null, events: events.length, firstBroken },
        ledgerMetadata,
        pendingSync,
      };
    },
    (audit) => ({
      action: options.purpose === "export" ? "subject.export" : "subject.view",
      subjectId,
      detail: { events: audit.chain.events, chainOk: audit.chain.ok },
    }),
    // One snapshot, so the chain cannot seem broken by an append committing mid-read.
    { isolationLevel: "RepeatableRead" },
  );
  return { ...ledger, auth0: await readAuth0Side(ledger, options.directory ?? auth0Directory()) };
}

function pickWording(version: PurposeVersion | null): AuditEvent["purposeWording"] {
  return version
    ? {
        version: version.version,
        title: version.title,
        description: version.description,
        textSha256: version.textSha256,
      }
    : null;
}

async function readAuth0Side(
  ledger: Pick<SubjectAudit, "subject" | "ledgerMetadata" | "status">,
  directory: Auth0Directory,
): Promise<Auth0Side> {
  if (!ledger.subject.auth0UserId) return { state: "no_account" };
  try {
    const person = await directory.findById(ledger.subject.auth0UserId);
    if (!person) return { state: "not_found" };
    return {
      state: "found",
      person,
      comparison: compareConsentMetadata(ledger.ledgerMetadata, person.consentMetadata, {
        flatKeys: person.flatConsentKeys,
        // Closed as deliver-outbox judges it: a required consent withdrawn (ADR 032).
        closed: ledger.status.purposes.some((row) => row.purpose.required && row.status === "withdrawn"),
        flaggedDeleted: person.flaggedDeleted,
      }),
    };
  } catch (error) {
    if (error instanceof AppError && error.code === "upstream_unavailable") {
      return { state: "unreachable", message: error.message };
    }
    throw error;
  }
}
