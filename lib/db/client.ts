import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { statementName } from "./statement-names";

export type Db = PrismaClient;
/** A transaction client, for functions that write inside a caller's transaction. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient; prismaReplica?: PrismaClient };

/** The portal's client on the primary (reused across hot reloads in development). */
export function db(): PrismaClient {
  globalForPrisma.prisma ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: env().DATABASE_URL }, { statementNameGenerator: statementName }),
  });
  return globalForPrisma.prisma;
}

/**
 * A client on the streaming read replica (`DATABASE_REPLICA_URL`, ADR 039), or null when none is
 * configured. Only staff search, exports and the change feed read through it; the standby refuses
 * writes, so a write sent here by mistake fails instead of going astray.
 */
export function replicaDb(): PrismaClient | null {
  const url = env().DATABASE_REPLICA_URL;
  if (!url) return null;
  globalForPrisma.prismaReplica ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: url }, { statementNameGenerator: statementName }),
  });
  return globalForPrisma.prismaReplica;
}
