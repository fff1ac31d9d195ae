-- Issue 16: publishing a version that needs re-consent asks the admin for a short summary of what
-- changed, which the consent gate shows first. It is written once, with the version (the table
-- stays append-only), and is not part of the text's hash.
ALTER TABLE "PolicyVersion" ADD COLUMN "change_summary" TEXT;
