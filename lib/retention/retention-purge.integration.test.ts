// Retention of the API's operational records (ADR 033/034): idempotency keys and finished
// webhook deliveries older than their setting are deleted; recent ones, and deliveries still
// being tried however old, are kept.
import { beforeAll, describe, expect, it } from "vitest";
import { purgeExpiredIdempotencyKeys } from "@/lib/consent-api/purge-expired-idempotency-keys";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { purgeExpiredWebhookDeliveries } from "@/lib/webhooks/purge-expired-webhook-deliveries";
import { registerWebhookEndpoint } from "@/lib/webhooks/register-webhook-endpoint";
import { adminActor } from "@/test/actors";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { asOwner } from "@/test/owner-database";

const ADMIN = adminActor("auth0|retention-admin");

beforeAll(async () => {
  await seedCatalog();
});

/** Moves rows' creation back in time (as the owner: the portal's role cannot rewrite it). */
const age = (table: string, where: string, params: unknown[], days: number) =>
  asOwner((owner) =>
    owner.query(`UPDATE "${table}" SET created_at = now() - make_interval(days => ${days}) WHERE ${where}`, params),
  );

describe("the retention purge", () => {
  it("has 30-day defaults, set by API_IDEMPOTENCY_RETENTION_DAYS and WEBHOOK_DELIVERY_RETENTION_DAYS", () => {
    expect(env().API_IDEMPOTENCY_RETENTION_DAYS).toBe(30);
    expect(env().WEBHOOK_DELIVERY_RETENTION_DAYS).toBe(30);
  });

  it("deletes idempotency keys older than the retention and keeps the recent ones", async () => {
    for (const key of ["old-key-0001", "old-key-0002", "new-key-0001"]) {
      await db().apiIdempotencyKey.create({
        data: { clientId: "retention-client", key, requestSha256: "0".repeat(64), status: 201, response: "{}" },
      });
    }
    await age("ApiIdempotencyKey", "key LIKE 'old-%'", [], 31);
    await age("ApiIdempotencyKey", "key LIKE 'new-%'", [], 29);
    expect(await purgeExpiredIdempotencyKeys()).toBe(2);
    const left = await db().apiIdempotencyKey.findMany({ where: { clientId: "retention-client" } });
    expect(left.map((row) => row.key)).toEqual(["new-key-0001"]);
    // A shorter setting reaches the newer one too.
    expect(await purgeExpiredIdempotencyKeys({ retentionDays: 7 })).toBe(1);
  });

  it("deletes finished deliveries older than the retention, never one still being tried", async () => {
    const { endpoint } = await registerWebhookEndpoint(
      { url: "https://93.184.215.14/hooks", events: ["consent.granted"] },
      ADMIN,
    );
    await newSignedUpSubject("retention", ["terms", "analytics"]);
    await newSignedUpSubject("retention-2", ["terms"]);
    const rows = await db().webhookDelivery.findMany({ where: { endpointId: endpoint.id }, orderBy: { seq: "asc" } });
    expect(rows).toHaveLength(3);
    const [delivered, failed, pending] = rows;
    await db().webhookDelivery.update({ where: { id: delivered!.id }, data: { status: "delivered" } });
    await db().webhookDelivery.update({ where: { id: failed!.id }, data: { status: "failed" } });
    await age("WebhookDelivery", "endpoint_id = $1", [endpoint.id], 40);

    expect(await purgeExpiredWebhookDeliveries()).toBe(2);
    const left = await db().webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(left.map((row) => [row.id, row.status])).toEqual([[pending!.id, "pending"]]);
    // Recent finished deliveries stay in the log.
    await db().webhookDelivery.update({ where: { id: pending!.id }, data: { status: "delivered" } });
    await age("WebhookDelivery", "endpoint_id = $1", [endpoint.id], 10);
    expect(await purgeExpiredWebhookDeliveries()).toBe(0);
    expect(await db().webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
  });
});
