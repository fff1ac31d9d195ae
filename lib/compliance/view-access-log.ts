import "server-only";
import { z } from "zod";
import { findStaffIdsByEmail, readStaffEmails } from "@/lib/auth/staff-directory";
import { parseInput } from "@/lib/errors";
import { readAccessLog, type AccessLogPage } from "@/lib/ledger/read-access-log";
import { readWithAccessLog } from "./read-with-access-log";
import { accessLogFilterSchema, type AccessLogFilter } from "./schemas";
import { endOfDay, startOfDay } from "@/lib/dates";
import type { Actor } from "@/lib/auth/actor";

const ACCESS_LOG_PAGE_SIZE = 50;

export interface AccessLogView extends AccessLogPage {
  /** Staff emails by actor id, from the staff directory (ADR 041); ids it does not know are absent. */
  staffEmails: Map<string, string>;
}

/**
 * The access log, newest first, filtered; reading it is itself logged (who audits the auditors).
 * "Who" is a staff email (looked up in the staff directory) or an actor id; the log row records
 * the ids an email named, never the email, so the evidence holds no personal data (ADR 041).
 */
export async function viewAccessLog(actor: Actor, input: Partial<AccessLogFilter>): Promise<AccessLogView> {
  const filter = parseInput(accessLogFilterSchema, input);
  const from = filter.from ? startOfDay(filter.from) : undefined;
  // `to` is a whole day, inclusive.
  const to = filter.to ? endOfDay(filter.to) : undefined;
  const byEmail = filter.actorId !== undefined && z.email().safeParse(filter.actorId).success;
  let subjectExists = false;
  let actorIds: string[] | undefined;
  const page = await readWithAccessLog(
    actor,
    async (tx) => {
      // The log row names the subject only when there is one (its foreign key); the filter
      // itself is always in the detail.
      subjectExists =
        filter.subjectId !== undefined && (await tx.subject.count({ where: { id: filter.subjectId } })) > 0;
      actorIds = byEmail ? await findStaffIdsByEmail(filter.actorId!, tx) : undefined;
      return readAccessLog(
        {
          actorId: filter.actorId,
          actorIds,
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
    (result) => {
      const { actorId, ...rest } = filter;
      const logged = byEmail ? { ...rest, actorIds } : { ...rest, actorId };
      return {
        action: "access_log.view",
        subjectId: subjectExists ? filter.subjectId! : null,
        detail: {
          filter: Object.fromEntries(Object.entries(logged).filter(([, value]) => value !== undefined)),
          entries: result.entries.length,
        },
      };
    },
  );
  return { ...page, staffEmails: await readStaffEmails(page.entries.map((entry) => entry.actorId)) };
}
