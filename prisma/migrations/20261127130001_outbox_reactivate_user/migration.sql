-- Issue 16: a closed account that staff give the required consent again, on the person's behalf,
-- is reactivated in Auth0 (app_metadata.deleted removed) through the outbox.
ALTER TYPE "OutboxKind" ADD VALUE 'reactivate_user';
