import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import type { AccessLog, Prisma } from "@/lib/generated/prisma/client";
import { accessLogQuerySchema, type AccessLogQuery } from "./schemas";

export interface AccessLogPage {
  entries: AccessLog[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** The access log, newest first, filtered and paged. */
export async function readAccessLog(query: AccessLogQuery = {}, tx?: Tx): Promise<AccessLogPage> {
  const { actorId, actorIds, subjectId, action, from, to, cursor, limit } = parseInput(accessLogQuerySchema, query);
  const where: Prisma.AccessLogWhereInput = {
    actorId: actorIds ? { in: actorIds } : actorId,
    subjectId,
    action,
    at: from || to ? { gte: from, lte: to } : undefined,
  };
  const entries = await (tx ?? db()).accessLog.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
  const hasMore = entries.length > limit;
  const page = hasMore ? entries.slice(0, limit) : entries;
  return { entries: page, nextCursor: hasMore ? page[page.length - 1]!.id : null };
}
