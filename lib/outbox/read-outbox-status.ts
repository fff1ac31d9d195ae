import "server-only";
import { db } from "@/lib/db/client";
import type { OutboxMessage } from "@/lib/generated/prisma/client";

export interface OutboxStatus {
  pending: number;
  delivered: number;
  skipped: number;
  /** Creation time of the oldest message still pending (how far Auth0 lags the ledger). */
  oldestPendingAt: Date | null;
  /** Pending messages that failed at least once, most attempts first. */
  failing: Array<Pick<OutboxMessage, "id" | "subjectId" | "kind" | "attempts" | "nextAttemptAt" | "lastError">>;
}

/** Health of the Auth0 sync, for the admin dashboard. */
export async function readOutboxStatus(): Promise<OutboxStatus> {
  const [counts, oldest, failing] = await Promise.all([
    db().outboxMessage.groupBy({ by: ["status"], _count: { _all: true } }),
    db().outboxMessage.findFirst({
      where: { status: "pending" },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true },
    }),
    db().outboxMessage.findMany({
      where: { status: "pending", attempts: { gt: 0 }, lastError: { not: null } },
      orderBy: [{ attempts: "desc" }, { createdAt: "asc" }],
      take: 20,
      select: { id: true, subjectId: true, kind: true, attempts: true, nextAttemptAt: true, lastError: true },
    }),
  ]);
  const count = (status: string) => counts.find((row) => row.status === status)?._count._all ?? 0;
  return {
    pending: count("pending"),
    delivered: count("delivered"),
    skipped: count("skipped"),
    oldestPendingAt: oldest?.createdAt ?? null,
    failing,
  };
}
