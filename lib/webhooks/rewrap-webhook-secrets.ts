import "server-only";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import type { Actor } from "@/lib/auth/actor";
import { masterKeys } from "@/lib/crypto/ledger-keys";
import { wrappingKeyId } from "@/lib/crypto/wrapped-data-key";
import { db, type Db } from "@/lib/db/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { resealWebhookSecret } from "./webhook-secret";

// The first 9 bytes of a blob sealed by the current key (wrapped-data-key.ts layout).
const currentPrefix = (keyId: string) => Buffer.concat([Buffer.from([2]), Buffer.from(keyId, "hex")]);

/** Endpoints whose secret or previous secret is not (yet) sealed by the current master key. */
export async function countWebhookSecretsToRewrap(client: Db = db()): Promise<number> {
  const prefix = currentPrefix(masterKeys().current.id);
  const [row] = await client.$queryRaw<[{ remaining: bigint }]>`
    SELECT count(*) AS remaining FROM "WebhookEndpoint"
    WHERE substring(secret_sealed FROM 1 FOR 9) <> ${prefix}
       OR (previous_secret_sealed IS NOT NULL AND substring(previous_secret_sealed FROM 1 FOR 9) <> ${prefix})`;
  return Number(row.remaining);
}

/**
 * Seals every webhook endpoint's secret (and the previous one, during a rotation's overlap) again
 * under the current master key, the secrets themselves unchanged (ADR 026, ADR 034), so a retired
 * master key is no longer needed to sign deliveries. Endpoints are few: one transaction, rows
 * locked (a concurrent rotation waits, then seals under the current key itself), with its
 * AdminChange row. Run again, it finds nothing to do.
 */
export async function rewrapWebhookSecrets(
  actor: Actor,
  options: { client?: Db } = {},
): Promise<{ endpoints: number; secrets: number; keyId: string }> {
  const client = options.client ?? db();
  return client.$transaction(async (tx) => {
    const keyId = masterKeys().current.id;
    const prefix = currentPrefix(keyId);
    const rows = await tx.$queryRaw<
      Array<{ id: string; secret_sealed: Uint8Array; previous_secret_sealed: Uint8Array | null }>
    >`
      SELECT id, secret_sealed, previous_secret_sealed FROM "WebhookEndpoint"
      WHERE substring(secret_sealed FROM 1 FOR 9) <> ${prefix}
         OR (previous_secret_sealed IS NOT NULL AND substring(previous_secret_sealed FROM 1 FOR 9) <> ${prefix})
      ORDER BY id FOR UPDATE`;
    if (rows.length === 0) return { endpoints: 0, secrets: 0, keyId };
    const before: Record<string, number> = {};
    let secrets = 0;
    const reseal = (id: string, sealed: Uint8Array) => {
      const from = wrappingKeyId(sealed) ?? "unversioned";
      if (from === keyId) return new Uint8Array(sealed);
      before[from] = (before[from] ?? 0) + 1;
      secrets += 1;
      return resealWebhookSecret(id, sealed);
    };
    for (const row of rows) {
      await tx.webhookEndpoint.update({
        where: { id: row.id },
        data: {
          secretSealed: reseal(row.id, row.secret_sealed),
          ...(row.previous_secret_sealed ? { previousSecretSealed: reseal(row.id, row.previous_secret_sealed) } : {}),
        },
      });
    }
    await appendAdminChange(
      {
        action: "keys.rewrap_webhook_secrets",
        target: `LEDGER_MASTER_KEY ${keyId}`,
        before,
        after: { endpoints: rows.length, secrets },
      },
      actor,
      tx,
    );
    return { endpoints: rows.length, secrets, keyId };
  }, TRANSACTION_OPTIONS);
}
