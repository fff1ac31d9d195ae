import "server-only";
import { SignJWT } from "jose";
import { z } from "zod";
import { db, type Tx } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { proveConsentEvent, type ReceiptProof } from "@/lib/transparency/prove-consent-event";
import { readWordings } from "@/lib/policies/read-purpose-versions";
import { buildConsentReceipt, type ConsentReceipt } from "./consent-receipt";
import { receiptSigningKey } from "./signing-key";

export const RECEIPT_JWS_TYPE = "consent-receipt+jwt";

export interface IssuedReceipt {
  receiptId: string;
  /** Compact JWS (EdDSA). Verify with the JWKS at /api/receipts/jwks. */
  jws: string;
  receipt: ConsentReceipt;
  /** The proof that the event is in the witnessed log; null until it is integrated and witnessed. */
  proof: ReceiptProof | null;
}

/**
 * The signed receipt for one consent decision (a `granted` or `withdrawn` event; none for a
 * `requested` one, ADR 040). Built only from
 * immutable data — the event, the purpose wording version it was decided under, its policy
 * version — with `iat` the event's server time and `jti` its id; Ed25519 signatures are
 * deterministic, so asking again at any later time yields the same JWS.
 * Refused (409) for an event that does not match the transparency log (ADR 028).
 */
export async function issueConsentReceipt(eventId: string, tx?: Tx): Promise<IssuedReceipt> {
  const event = !z.uuid().safeParse(eventId).success
    ? null
    : await (tx ?? db()).consentEvent.findUnique({
        where: { id: eventId },
        // Only the purpose's fixed columns (key, governing document; a trigger keeps them fixed).
        include: { purpose: { select: { key: true, policyKind: true } }, policyVersion: { omit: { text: true } } },
      });
  // A request awaiting the address's verification is not a decision: its receipt is the confirmation's.
  if (!event || event.action === "erased" || event.action === "requested" || !event.purpose) {
    throw new AppError("not_found", "No consent decision with that id.", { field: "eventId" });
  }
  // Nothing is signed for an event the verifiable log does not hold exactly as stored.
  const proof = await proveConsentEvent(event, tx);
  const wording = (await readWordings([event], tx))(event);
  if (!wording) throw new Error(`Event ${event.id} has no purpose version`);
  const config = env();
  const receipt = buildConsentReceipt({
    event: { ...event, action: event.action },
    purpose: {
      key: event.purpose.key,
      title: wording.title,
      description: wording.description,
      required: wording.required,
      version: wording.version,
      textSha256: wording.textSha256,
    },
    policy: event.policyVersion
      ? {
          kind: event.policyVersion.kind,
          version: event.policyVersion.version,
          url: resolvePolicyUrl(event.policyVersion.url),
        }
      : { kind: event.purpose.policyKind, version: "", url: "" },
    controller: {
      name: config.CONTROLLER_NAME,
      email: config.CONTROLLER_EMAIL,
      url: config.APP_BASE_URL,
      jurisdiction: config.CONTROLLER_JURISDICTION,
    },
    service: "Consent Portal",
  });
  const { privateKey, publicJwk } = await receiptSigningKey();
  const jws = await new SignJWT({ ...receipt })
    .setProtectedHeader({ alg: "EdDSA", kid: publicJwk.kid, typ: RECEIPT_JWS_TYPE })
    .setIssuer(config.APP_BASE_URL)
    .setSubject(event.subjectId)
    .setIssuedAt(receipt.consentTimestamp)
    .setJti(event.id)
    .sign(privateKey);
  return { receiptId: event.id, jws, receipt, proof };
}
