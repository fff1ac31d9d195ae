-- Double opt-in for email purposes (ADR 040). New values of existing hashed fields: the hash
-- formats are unchanged (action and method are hashed as their text in both formats).

-- A person asked for an email purpose while their address was unverified: not consent yet.
ALTER TYPE "ConsentAction" ADD VALUE 'requested';
-- The projection of a `requested` event: counts as given nowhere.
ALTER TYPE "ConsentStatus" ADD VALUE 'pending';
-- The grant that follows a request once the address is verified.
ALTER TYPE "CollectionMethod" ADD VALUE 'email_confirmation';

-- Set by admins: consent to this purpose needs an address the person proved is theirs.
ALTER TABLE "Purpose" ADD COLUMN "requires_verified_email" BOOLEAN NOT NULL DEFAULT false;
GRANT UPDATE ("requires_verified_email") ON "Purpose" TO consent_app;

-- When the portal learned (from Auth0) that the address is verified. Subjects from before this
-- migration stay NULL until their next sign-in says so: nothing here claims a proof nobody saw.
ALTER TABLE "Subject" ADD COLUMN "email_verified_at" TIMESTAMPTZ(3);
GRANT UPDATE ("email_verified_at") ON "Subject" TO consent_app;
