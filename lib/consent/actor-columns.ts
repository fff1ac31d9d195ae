import "server-only";
import { computeUserAgentHash } from "@/lib/crypto/blind-index";
import { userAgentHashKey } from "@/lib/crypto/ledger-keys";
import type { ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import type { z } from "zod";
import { truncateIp } from "./request-context";
import type { actorSchema, requestContextSchema } from "./schemas";

type ParsedActor = z.output<typeof actorSchema>;
type ParsedContext = z.output<typeof requestContextSchema>;

/**
 * The actor and request columns of an event. A self-acting person is recorded as `self` with
 * no id: their Auth0 id must not sit in an immutable row that outlives erasure.
 */
export function actorAndContextColumns(
  actor: ParsedActor,
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
export function fingerprintActor(actor: ParsedActor) {
  return actor.type === "self" ? { type: "self" } : { type: actor.type, id: actor.id, reason: actor.reason ?? null };
}
