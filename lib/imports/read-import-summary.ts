import "server-only";
import { db } from "@/lib/db/client";

/** How much the ledger holds from legacy imports so far: the admin page's summary line. */
export async function readImportSummary(): Promise<{ events: number; people: number; lastAt: Date | null }> {
  const [events, people, last] = await Promise.all([
    db().consentEvent.count({ where: { method: "migration" } }),
    db().consentEvent.findMany({
      where: { method: "migration" },
      distinct: ["subjectId"],
      select: { subjectId: true },
    }),
    db().consentEvent.findFirst({
      where: { method: "migration" },
      orderBy: { serverTime: "desc" },
      select: { serverTime: true },
    }),
  ]);
  return { events, people: people.length, lastAt: last?.serverTime ?? null };
}
