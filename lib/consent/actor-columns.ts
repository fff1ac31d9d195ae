import "server-only";
import { auditActor, type Actor } from "@/lib/auth/actor";
import { computeUserAgentHash } from "@/lib/crypto/blind-index";
import { userAgentHashKey } from "@/lib/crypto/ledger-keys";
import { AppError, parseInput } from "@/lib/errors";
import type { ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import type { z } from "zod";
import { truncateIp } from "./truncate-ip";
import { recordedActorSchema, type RecordedActor, type requestContextSchema } from "./schemas";

type ParsedContext = z.output<typeof requestContextSchema>;

/**
 * The actor as the ledger records it. Staff must give a reason, and only staff may record with
 * method `staff`. A person acting for themselves is `self`, with no id.
 */
export function recordedActor(actor: Actor, reason: string | undefined, method: string): RecordedActor {
  if (method === "staff" && actor.kind !== "staff") {
    throw new AppError("validation_failed", "method: method `staff` needs a staff actor", { field: "method" });
  }
  const { actorType, actorId } = auditActor(actor);
  const recorded =
    actorType === "self"
      ? { type: actorType }
      : { type: actorType, id: actorId, ...(reason === undefined ? {} : { reason }) };
  if (recorded.type === "staff" && reason === undefined) {
    throw new AppError("validation_failed", "reason: staff must give a reason", { field: "reason" });
  }
  return parseInput(recordedActorSchema, recorded);
}

/**
 * The actor and request columns of an event. A self-acting person is recorded as `self` with
 * no id: their Auth0 id must not sit in an immutable row that outlives erasure.
 */
export function actorAndContextColumns(
  actor: RecordedActor,
  context: ParsedContext,
): Pick<ConsentEventDraft, "actorType" | "actorId" | "actorReason" | "clientTime" | "ipTruncated" | "userAgentHash"> {
  return {
    actorType: actor.type,
    actorId: actor.type === "self" ? null : actor.id,
    actorReason: actor.type === "self" ? null : (actor.reason ?? null),
    clientTime: context.clientTime ? new Date(context.clientTime) : null,
    ipTruncated: truncateIp(context.ip),
    userAgentHash: context.userAgent ? computeUserAgentHash(userAgentHashKey(), context.userAgent) : null,
  };
}

/** The actor as it belongs in a request fingerprint. */
export function fingerprintActor(actor: RecordedActor) {
  return actor.type === "self" ? { type: "self" } : { type: actor.type, id: actor.id, reason: actor.reason ?? null };
}
