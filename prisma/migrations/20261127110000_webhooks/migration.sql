-- Webhooks (issue 14, ADR 034): endpoints admins register, and their delivery outbox, written in
-- the transaction of the ledger event (or policy publication) each delivery announces.

CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');

CREATE TABLE "WebhookEndpoint" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "events" TEXT[] NOT NULL,
    "secret_sealed" BYTEA NOT NULL,
    "previous_secret_sealed" BYTEA,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "disabled_at" TIMESTAMPTZ(3),
    "disabled_reason" TEXT,
    "failing_since" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "WebhookEndpoint_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "ordering_key" TEXT,
    "payload" JSONB NOT NULL,
    "replay_of" UUID,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "WebhookDelivery_seq_key" ON "WebhookDelivery"("seq");
CREATE INDEX "WebhookDelivery_status_next_attempt_at_idx" ON "WebhookDelivery"("status", "next_attempt_at");
CREATE INDEX "WebhookDelivery_endpoint_id_ordering_key_status_seq_idx" ON "WebhookDelivery"("endpoint_id", "ordering_key", "status", "seq");
CREATE INDEX "WebhookDelivery_endpoint_id_created_at_idx" ON "WebhookDelivery"("endpoint_id", "created_at");

ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "WebhookEndpoint"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- The portal registers endpoints, rotates their secrets and disables them; it never deletes
-- either table's rows (the delivery log is what the admin page shows).
GRANT SELECT, INSERT ON "WebhookEndpoint" TO consent_app;
GRANT UPDATE ("secret_sealed", "previous_secret_sealed", "previous_secret_expires_at", "disabled_at", "disabled_reason", "failing_since", "consecutive_failures") ON "WebhookEndpoint" TO consent_app;
GRANT SELECT, INSERT ON "WebhookDelivery" TO consent_app;
GRANT UPDATE ("status", "attempts", "next_attempt_at", "locked_until", "last_attempt_at", "last_status_code", "last_error", "delivered_at") ON "WebhookDelivery" TO consent_app;
GRANT USAGE ON SEQUENCE "WebhookDelivery_seq_seq" TO consent_app;
