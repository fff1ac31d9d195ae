import "server-only";
import { DEMO_HISTORY_KEY } from "@/lib/demo/seed-demo-history";
import { db } from "@/lib/db/client";
import { listPurposes } from "@/lib/policies/list-purposes";
import { readOutboxStatus, type OutboxStatus } from "@/lib/outbox/read-outbox-status";
import { readLatestReconsentProgress, type ReconsentProgress } from "./read-reconsent-progress";

/** Weeks shown on the dashboard's time charts (ISO weeks, Monday to Sunday, UTC). */
const DASHBOARD_WEEKS = 12;

interface WeeklyConsentRate {
  /** Monday of the week, `YYYY-MM-DD`. */
  week: string;
  /** People who had made any decision by the end of the week and were not erased. */
  people: number;
  /** Percentage of those people consenting to each purpose (by key) at the end of the week; null before anyone. */
  rates: Record<string, number | null>;
}

interface WeeklyActivity {
  week: string;
  granted: number;
  withdrawn: number;
}

export interface Dashboard {
  purposes: Array<{ key: string; title: string }>;
  consentRate: WeeklyConsentRate[];
  activity: WeeklyActivity[];
  reconsent: ReconsentProgress | null;
  /** Set when `npm start` generated the demo history here (lib/demo/seed-demo-history.ts). */
  demo: { people: number; at: string } | null;
  outbox: OutboxStatus & { oldestPendingAgeSeconds: number | null };
}

/** Mondays of the last `DASHBOARD_WEEKS` weeks, oldest first. */
export function weekStarts(now: Date, weeks = DASHBOARD_WEEKS): string[] {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const monday = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * 86_400_000);
  return Array.from({ length: weeks }, (_, index) =>
    new Date(monday.getTime() - (weeks - 1 - index) * 7 * 86_400_000).toISOString().slice(0, 10),
  );
}

/**
 * Running totals per week from weekly changes. `deltas` holds changes per week; changes before
 * the window are reported under its first week, so the totals start from the real baseline.
 */
export function runningTotals(weeks: string[], deltas: Array<{ week: string; delta: number }>): number[] {
  let total = 0;
  return weeks.map((week) => {
    for (const row of deltas) if (row.week === week) total += row.delta;
    return total;
  });
}

/**
 * The admin dashboard's figures, computed from the ledger itself rather than kept in counters:
 * consent per purpose is replayed from state transitions (a grant after no grant +1, a
 * withdrawal of a grant −1, an erasure withdraws whatever was granted), so it is right for any
 * past week, not only now.
 */
export async function readDashboard(now = new Date()): Promise<Dashboard> {
  const weeks = weekStarts(now);
  const start = `${weeks[0]!}T00:00:00Z`;
  const [purposes, purposeDeltas, peopleDeltas, activityRows, reconsent, outbox, demo] = await Promise.all([
    listPurposes(),
    db().$queryRaw<Array<{ purposeId: string; week: string; delta: number }>>`
      WITH purpose_events AS (
        SELECT subject_id, purpose_id, seq, server_time, action,
               lag(action) OVER (PARTITION BY subject_id, purpose_id ORDER BY seq) AS previous
        FROM "ConsentEvent" WHERE purpose_id IS NOT NULL
      ), last_per_purpose AS (
        SELECT DISTINCT ON (subject_id, purpose_id) subject_id, purpose_id, action
        FROM purpose_events ORDER BY subject_id, purpose_id, seq DESC
      ), deltas AS (
        SELECT purpose_id, server_time AS at,
               CASE WHEN action = 'granted' AND previous IS DISTINCT FROM 'granted' THEN 1
                    WHEN action = 'withdrawn' AND previous = 'granted' THEN -1 ELSE 0 END AS delta
        FROM purpose_events
        UNION ALL
        SELECT l.purpose_id, erased.server_time, -1
        FROM last_per_purpose l JOIN "ConsentEvent" erased ON erased.subject_id = l.subject_id AND erased.action = 'erased'
        WHERE l.action = 'granted'
      )
      SELECT purpose_id::text AS "purposeId",
             to_char(greatest(date_trunc('week', at AT TIME ZONE 'UTC'), ${start}::timestamptz AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
             sum(delta)::int AS delta
      FROM deltas WHERE delta <> 0 GROUP BY 1, 2`,
    db().$queryRaw<Array<{ week: string; delta: number }>>`
      WITH changes AS (
        SELECT min(server_time) AS at, 1 AS delta FROM "ConsentEvent" GROUP BY subject_id
        UNION ALL
        SELECT server_time, -1 FROM "ConsentEvent" WHERE action = 'erased'
      )
      SELECT to_char(greatest(date_trunc('week', at AT TIME ZONE 'UTC'), ${start}::timestamptz AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
             sum(delta)::int AS delta
      FROM changes GROUP BY 1`,
    db().$queryRaw<Array<{ week: string; granted: number; withdrawn: number }>>`
      SELECT to_char(date_trunc('week', server_time AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
             count(*) FILTER (WHERE action = 'granted')::int AS granted,
             count(*) FILTER (WHERE action = 'withdrawn')::int AS withdrawn
      FROM "ConsentEvent" WHERE server_time >= ${start}::timestamptz GROUP BY 1`,
    readLatestReconsentProgress(),
    readOutboxStatus(),
    db().setting.findUnique({ where: { key: DEMO_HISTORY_KEY } }),
  ]);

  const people = runningTotals(weeks, peopleDeltas);
  const granted = new Map(
    purposes.map((purpose) => [
      purpose.key,
      runningTotals(
        weeks,
        purposeDeltas.filter((row) => row.purposeId === purpose.id),
      ),
    ]),
  );
  return {
    purposes: purposes.map((purpose) => ({ key: purpose.key, title: purpose.title })),
    consentRate: weeks.map((week, index) => ({
      week,
      people: people[index]!,
      rates: Object.fromEntries(
        purposes.map((purpose) => {
          const total = people[index]!;
          const count = granted.get(purpose.key)![index]!;
          return [purpose.key, total > 0 ? Math.round((count / total) * 1000) / 10 : null];
        }),
      ),
    })),
    activity: weeks.map((week) => {
      const row = activityRows.find((candidate) => candidate.week === week);
      return { week, granted: row?.granted ?? 0, withdrawn: row?.withdrawn ?? 0 };
    }),
    reconsent,
    demo: demo ? (demo.value as { people: number; at: string }) : null,
    outbox: {
      ...outbox,
      oldestPendingAgeSeconds: outbox.oldestPendingAt
        ? Math.max(0, Math.round((now.getTime() - outbox.oldestPendingAt.getTime()) / 1000))
        : null,
    },
  };
}
