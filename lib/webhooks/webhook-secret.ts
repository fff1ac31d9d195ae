import "server-only";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { masterKeys } from "@/lib/crypto/ledger-keys";
import { unwrapDataKey, wrapDataKey } from "@/lib/crypto/wrapped-data-key";

const SECRET_PREFIX = "whsec_";
/** Standard Webhooks recommends 24–64 random bytes. */
const SECRET_BYTES = 32;

const context = (endpointId: string) => `webhook-secret:${endpointId}`;

/** A new endpoint secret in the Standard Webhooks form `whsec_<base64>`. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

/**
 * Seals a secret under the ledger master key, bound to its endpoint: the portal must be able to
 * sign with it, so it cannot be stored as a hash like the staff tokens.
 */
export function sealWebhookSecret(endpointId: string, secret: string): Uint8Array<ArrayBuffer> {
  const raw = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
  return new Uint8Array(wrapDataKey(masterKeys(), raw, context(endpointId)));
}

export function openWebhookSecret(endpointId: string, sealed: Uint8Array): string {
  return SECRET_PREFIX + unwrapDataKey(masterKeys(), sealed, context(endpointId)).toString("base64");
}

/** The same secret sealed again under the current master key (`npm run keys:rewrap`). */
export function resealWebhookSecret(endpointId: string, sealed: Uint8Array): Uint8Array<ArrayBuffer> {
  const ring = masterKeys();
  return new Uint8Array(wrapDataKey(ring, unwrapDataKey(ring, sealed, context(endpointId)), context(endpointId)));
}

/**
 * The `webhook-signature` header: one `v1,<base64>` per secret, space-separated, as the spec
 * allows — during a rotation the old and the new secret both sign, so a receiver holding either verifies.
 */
export function signWebhook(secrets: string[], messageId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(" ");
}
