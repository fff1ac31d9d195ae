import { defineConfig } from "prisma/config";

// Prisma 7 does not load .env; migrations are applied by scripts/db-migrate.ts (see ADR 001).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
