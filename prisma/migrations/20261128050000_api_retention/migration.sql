-- Retention (issue 14, ADR 033/034): API idempotency keys and finished webhook deliveries are
-- purged after API_IDEMPOTENCY_RETENTION_DAYS and WEBHOOK_DELIVERY_RETENTION_DAYS by the
-- portal's scheduled purge, which finds them by these indexes.

CREATE INDEX "ApiIdempotencyKey_created_at_idx" ON "ApiIdempotencyKey"("created_at");
CREATE INDEX "WebhookDelivery_status_created_at_idx" ON "WebhookDelivery"("status", "created_at");

-- The purge deletes rows past their retention; nothing else in the portal deletes them.
GRANT DELETE ON "ApiIdempotencyKey" TO consent_app;
GRANT DELETE ON "WebhookDelivery" TO consent_app;
