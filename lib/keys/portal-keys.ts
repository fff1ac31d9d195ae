import { z } from "zod";

// The secret keys the portal uses, under the same names whether they come from the environment
// or from a keys file (ADR 026). Lists are arrays here; the environment spells them comma-separated.

/** A 32-byte key as 64 hex characters (`openssl rand -hex 32`). */
const hexKeySchema = (name: string) =>
  z
    .string({ error: `${name} is missing: run \`npm start\` (it generates one) or set it in .env` })
    .regex(/^[0-9a-fA-F]{64}$/, `${name} must be 32 bytes as 64 hex characters (\`openssl rand -hex 32\`)`);

/** An Ed25519 public key as the JWK `x` value: 32 bytes, base64url without padding. */
const ed25519PublicKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "must be Ed25519 public keys (the JWK `x` value: 43 base64url characters)");

export const portalKeysSchema = z.strictObject({
  /** Ed25519 seed (hex) signing new consent receipts. */
  RECEIPT_SIGNING_KEY: hexKeySchema("RECEIPT_SIGNING_KEY"),
  /** Public keys of retired receipt signing keys, newest first: still in the JWKS, never signing. */
  RECEIPT_RETIRED_PUBLIC_KEYS: z.array(ed25519PublicKeySchema).default([]),
  /** Wraps every new subject data key (crypto-shredding, ADR 004). */
  LEDGER_MASTER_KEY: hexKeySchema("LEDGER_MASTER_KEY"),
  /** Older master keys still unwrapping data keys until `npm run keys:rewrap` has moved them all. */
  LEDGER_PREVIOUS_MASTER_KEYS: z.array(hexKeySchema("LEDGER_PREVIOUS_MASTER_KEYS")).default([]),
  /** Keys the email blind index and the user-agent hashes. */
  BLIND_INDEX_KEY: hexKeySchema("BLIND_INDEX_KEY"),
  /** Ed25519 seed (hex) signing the transparency log's checkpoints (ADR 028). */
  LOG_SIGNING_KEY: hexKeySchema("LOG_SIGNING_KEY"),
});

export type PortalKeys = z.output<typeof portalKeysSchema>;

/** The variables of the environment key provider that hold a list. */
export const LIST_KEY_NAMES = ["RECEIPT_RETIRED_PUBLIC_KEYS", "LEDGER_PREVIOUS_MASTER_KEYS"] as const;

/** Every name a key can be configured under. */
export const KEY_NAMES = Object.keys(portalKeysSchema.shape) as Array<keyof PortalKeys>;
