-- Rate limits shared by every portal instance (ADR 035): rate-limiter-flexible's PostgreSQL store,
-- created here (its own CREATE TABLE would need a role that owns tables; the portal's owns none).
-- The columns are the library's: key, points used, expiry in epoch milliseconds.
CREATE TABLE "RateLimit" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- The library upserts points and deletes expired keys.
GRANT SELECT, INSERT, UPDATE, DELETE ON "RateLimit" TO consent_app;
