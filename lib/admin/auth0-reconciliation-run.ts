import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";

const RUN_SETTING = "auth0.reconciliation";
/** A running reconciliation whose heartbeat is older than this died with its server. */
const STALE_AFTER_MS = 2 * 60_000;

/** The counts of one reconciliation of Auth0 with the ledger (ADR 041). */
interface ReconciliationCounts {
  /** Auth0 users read. */
  users: number;
  /** Of those, people the ledger knows (not erased). */
  compared: number;
  /** People whose Auth0 copy differs from the ledger. */
  drifted: number;
  /** Of those, queued for a rewrite through the outbox. */
  repaired: number;
  /** Drifted, but a sync is already waiting: it will put them right. */
  awaitingSync: number;
  /** People the ledger knows whose Auth0 user no longer exists (deleted in Auth0). */
  missingInAuth0: number;
}

/** The latest reconciliation, shown on the admin dashboard. */
export interface ReconciliationRun {
  id: string;
  status: "running" | "done" | "failed";
  /** `schedule` for the timer, else the Auth0 user id of the admin who asked. */
  startedBy: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  counts: ReconciliationCounts;
  error: string | null;
}

const EMPTY_COUNTS: ReconciliationCounts = {
  users: 0,
  compared: 0,
  drifted: 0,
  repaired: 0,
  awaitingSync: 0,
  missingInAuth0: 0,
};

const toJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonObject;

/** The latest reconciliation (running or finished), or null before the first. */
export async function readReconciliationRun(): Promise<ReconciliationRun | null> {
  const setting = await db().setting.findUnique({ where: { key: RUN_SETTING } });
  return (setting?.value as ReconciliationRun | null | undefined) ?? null;
}

export function isReconciliationRunning(run: ReconciliationRun | null, now = Date.now()): boolean {
  return run?.status === "running" && now - Date.parse(run.heartbeatAt) < STALE_AFTER_MS;
}

/**
 * Starts a run unless one is running, or (without `force`) one started less than `intervalMs`
 * ago: the timer ticks in every server instance, and the row, locked while deciding, lets one
 * of them run per interval. Returns the new run, or null.
 */
export async function claimReconciliationRun(input: {
  startedBy: string;
  intervalMs: number;
  force?: boolean;
}): Promise<ReconciliationRun | null> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO "Setting" (key, value) VALUES (${RUN_SETTING}, 'null'::jsonb) ON CONFLICT (key) DO NOTHING`;
    const [row] = await tx.$queryRaw<Array<{ value: ReconciliationRun | null }>>`
      SELECT value FROM "Setting" WHERE key = ${RUN_SETTING} FOR UPDATE`;
    const last = row?.value ?? null;
    const now = Date.now();
    if (isReconciliationRunning(last, now)) return null;
    if (!input.force && last && now - Date.parse(last.startedAt) < input.intervalMs) return null;
    const at = new Date(now).toISOString();
    const run: ReconciliationRun = {
      id: randomUUID(),
      status: "running",
      startedBy: input.startedBy,
      startedAt: at,
      heartbeatAt: at,
      finishedAt: null,
      counts: { ...EMPTY_COUNTS },
      error: null,
    };
    await tx.setting.update({ where: { key: RUN_SETTING }, data: { value: toJson(run), updatedAt: new Date() } });
    return run;
  });
}

/** Writes the run's progress (and heartbeat), or its end. Only the claimant writes it. */
export async function recordReconciliationRun(run: ReconciliationRun): Promise<void> {
  run.heartbeatAt = new Date().toISOString();
  await db().$executeRaw`
    UPDATE "Setting" SET value = ${JSON.stringify(run)}::jsonb, updated_at = now()
    WHERE key = ${RUN_SETTING} AND value->>'id' = ${run.id}`;
}
