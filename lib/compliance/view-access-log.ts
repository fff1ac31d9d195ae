import "server-only";
import { parseInput } from "@/lib/errors";
import { readAccessLog, type AccessLogPage } from "@/lib/ledger/read-access-log";
import { readWithAccessLog } from "./read-with-access-log";
import { accessLogFilterSchema, type AccessLogFilter } from "./schemas";
import type { Actor } from "@/lib/auth/actor";

const ACCESS_LOG_PAGE_SIZE = 50;

/** The access log, newest first, filtered; reading it is itself logged (who audits the auditors). */
export async function viewAccessLog(actor: Actor, input: Partial<AccessLogFilter>): Promise<AccessLogPage> {
  const filter = parseInput(accessLogFilterSchema, input);
  const from = filter.from ? new Date(`${filter.from}T00:00:00.000Z`) : undefined;
  // `to` is a whole day, inclusive.
  const to = filter.to ? new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000 - 1) : undefined;
  let subjectExists = false;
  return readWithAccessLog(
    actor,
    async (tx) => {
      // The log row names the subject only when there is one (its foreign key); the filter
      // itself is always in the detail.
      subjectExists =
        filter.subjectId !== undefined && (await tx.subject.count({ where: { id: filter.subjectId } })) > 0;
      return readAccessLog(
        {
          actorId: filter.actorId,
          subjectId: filter.subjectId,
          action: filter.action,
          from,
          to,
          cursor: filter.cursor,
          limit: ACCESS_LOG_PAGE_SIZE,
        },
        tx,
      );
    },
    (page) => ({
      action: "access_log.view",
      subjectId: subjectExists ? filter.subjectId! : null,
      detail: {
        filter: Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)),
        entries: page.entries.length,
      },
    }),
  );
}
