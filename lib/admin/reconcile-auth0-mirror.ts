import "server-only";
import { setTimeout as wait } from "node:timers/promises";
import type { Actor } from "@/lib/auth/actor";
import {
  auth0 as portalAuth0,
  type Auth0Gateway,
  type Auth0User,
  type RateLimitState,
} from "@/lib/auth0/auth0-gateway";
import { compareConsentMetadata } from "@/lib/compliance/compare-consent-metadata";
import { flatConsentKeys } from "@/lib/consent/auth0-consent-metadata";
import { readClosedAccounts } from "@/lib/consent/read-closed-accounts";
import { readConsentMetadataOf } from "@/lib/consent/read-consent-metadata";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { claimReconciliationRun, recordReconciliationRun, type ReconciliationRun } from "./auth0-reconciliation-run";
import { repairAuth0Drift, type RepairAuth0DriftInput } from "./repair-auth0-drift";

export interface ReconcileOptions {
  auth0?: Auth0Gateway;
  /** Users per request (Auth0 allows 100). */
  perPage?: number;
  /** Auth0 lets a query page through its first 1,000 results: pages per query before the next window. */
  pagesPerWindow?: number;
  /** Share of the tenant's rate-limit bucket left to the portal's own calls: below it the walk waits. */
  rateLimitReserve?: number;
  /** Longest wait for the bucket to refill before the run gives up (it runs again next interval). */
  maxRateLimitWaitMs?: number;
  signal?: AbortSignal;
  /** Runs the walk after claiming (Next.js `after()` for an admin's request); awaited by default. */
  schedule?: (work: () => Promise<void>) => void;
}

const FIELDS = "user_id,created_at,user_metadata,app_metadata";
type Drift = RepairAuth0DriftInput["subjects"][number];

/**
 * Compares Auth0 with the ledger for everyone and queues a repair for whoever drifted (ADR 041).
 * Walks GET /users sorted by `created_at`, 100 at a time; past Auth0's 1,000-result window it
 * starts a new query at the last `created_at` seen (`created_at:[t TO *]`, ties skipped by id).
 * It paces itself by the `x-ratelimit-*` headers, leaving a share of the bucket to the portal;
 * 429s are waited out by the retrying fetch. People with a sync already waiting are left to it.
 * Returns the run (finished, or running when `schedule` runs it later), or null when another run
 * holds the claim (see claimReconciliationRun).
 */
export async function reconcileAuth0Mirror(
  actor: Actor,
  input: { intervalMs: number; force?: boolean },
  options: ReconcileOptions = {},
): Promise<ReconciliationRun | null> {
  const run = await claimReconciliationRun({
    startedBy: actor.kind === "system" ? "schedule" : actor.id,
    intervalMs: input.intervalMs,
    force: input.force,
  });
  if (!run) return null;
  const work = () => walkAndRepair(run, actor, options);
  if (options.schedule) options.schedule(work);
  else await work();
  return run;
}

async function walkAndRepair(run: ReconciliationRun, actor: Actor, options: ReconcileOptions): Promise<void> {
  try {
    const seen = new Set<string>();
    for await (const users of walkUsers(options)) {
      await comparePage(users, run, actor, seen);
      await recordReconciliationRun(run);
    }
    run.counts.missingInAuth0 = await countMissing(seen);
    run.status = "done";
  } catch (error) {
    logger.error(
      { err: error instanceof Error ? error.message : String(error), runId: run.id },
      "Auth0 reconciliation",
    );
    run.status = "failed";
    run.error = "The reconciliation could not finish (see the server log); the next run starts over.";
  }
  run.finishedAt = new Date().toISOString();
  await recordReconciliationRun(run);
}

/** Pages of Auth0 users, oldest first, each user once. */
async function* walkUsers(options: ReconcileOptions): AsyncGenerator<Auth0User[]> {
  const auth0 = options.auth0 ?? portalAuth0();
  const perPage = options.perPage ?? 100;
  const pagesPerWindow = options.pagesPerWindow ?? Math.floor(1_000 / perPage);
  let from: string | null = null;
  // Users created at exactly `from`, already read in the previous window.
  let readAtFrom = new Set<string>();
  for (;;) {
    let last: string | null = null;
    let readAtLast = new Set<string>();
    let fresh = 0;
    for (let page = 0; page < pagesPerWindow; page += 1) {
      const answer = await auth0.listUsers({
        page,
        perPage,
        sort: "created_at:1",
        fields: FIELDS,
        // Auth0's query syntax: colons in a range bound need no escaping.
        ...(from === null ? {} : { q: `created_at:[${from} TO *]` }),
      });
      const users = answer.users.filter((user) => !(user.created_at === from && readAtFrom.has(String(user.user_id))));
      for (const user of answer.users) {
        if (user.created_at !== last) {
          last = user.created_at ?? null;
          readAtLast = new Set();
        }
        readAtLast.add(String(user.user_id));
      }
      fresh += users.length;
      if (users.length > 0) yield users;
      await paceBy(answer.rateLimit, options);
      if (answer.users.length < perPage) return;
    }
    if (fresh === 0) throw new Error(`more than a window of Auth0 users share created_at ${String(from)}`);
    if (last === from) for (const id of readAtFrom) readAtLast.add(id);
    from = last;
    readAtFrom = readAtLast;
  }
}

/** Waits for the bucket to refill when the walk has used all but the reserve of it. */
async function paceBy(rateLimit: RateLimitState | null, options: ReconcileOptions): Promise<void> {
  if (!rateLimit) return;
  const reserve = Math.max(1, Math.ceil(rateLimit.limit * (options.rateLimitReserve ?? 0.2)));
  if (rateLimit.remaining > reserve) return;
  const delay = Math.max(0, rateLimit.resetAt - Date.now());
  if (delay > (options.maxRateLimitWaitMs ?? 60_000)) throw new Error("Auth0's rate limit resets too late");
  await wait(delay, undefined, options.signal ? { signal: options.signal } : undefined);
}

async function comparePage(users: Auth0User[], run: ReconciliationRun, actor: Actor, seen: Set<string>) {
  const byId = new Map(users.map((user) => [String(user.user_id), user]));
  for (const id of byId.keys()) seen.add(id);
  const subjects = await db().subject.findMany({
    // A subject without decisions has nothing to mirror yet.
    where: { auth0UserId: { in: [...byId.keys()] }, erasedAt: null, lastSeq: { gt: 0 } },
    select: { id: true, auth0UserId: true, lastSeq: true },
  });
  const ids = subjects.map((subject) => subject.id);
  const [expected, closed, waiting] = await Promise.all([
    readConsentMetadataOf(ids),
    readClosedAccounts(ids),
    db().outboxMessage.findMany({
      where: { subjectId: { in: ids }, status: "pending" },
      select: { subjectId: true },
      distinct: ["subjectId"],
    }),
  ]);
  const syncWaiting = new Set(waiting.map((row) => row.subjectId));
  const drifts: Drift[] = [];
  for (const subject of subjects) {
    const user = byId.get(subject.auth0UserId!)!;
    const userMetadata = user.user_metadata ?? {};
    const isClosed = closed.has(subject.id);
    const flaggedDeleted = user.app_metadata?.deleted === true;
    const comparison = compareConsentMetadata(expected.get(subject.id)!, userMetadata.consent, {
      flatKeys: flatConsentKeys(userMetadata),
      closed: isClosed,
      flaggedDeleted,
    });
    const differing = comparison.rows.filter((row) => !row.same).map((row) => row.field);
    const drift: Drift = {
      subjectId: subject.id,
      auth0UserId: subject.auth0UserId!,
      seq: subject.lastSeq,
      flatKeys: differing.some((field) => field.startsWith("user_metadata.")),
      // A flag on an open account may be an admin's doing through the proxy (ADR 012): only a
      // closed account without the flag is drift.
      unflaggedClosed: isClosed && !flaggedDeleted,
      consent: differing.some((field) => !field.startsWith("user_metadata.") && field !== "app_metadata.deleted"),
    };
    if (!drift.consent && !drift.flatKeys && !drift.unflaggedClosed) continue;
    run.counts.drifted += 1;
    if (syncWaiting.has(subject.id)) run.counts.awaitingSync += 1;
    else drifts.push(drift);
  }
  run.counts.users += users.length;
  run.counts.compared += subjects.length;
  if (drifts.length > 0) {
    await repairAuth0Drift({ runId: run.id, subjects: drifts }, actor);
    run.counts.repaired += drifts.length;
  }
}

/**
 * Open accounts whose Auth0 user the walk never met. Closed ones are left out: the withdrawal
 * policy may have deleted their Auth0 user on purpose.
 */
async function countMissing(seen: Set<string>): Promise<number> {
  const known = await db().subject.findMany({
    where: { auth0UserId: { not: null }, erasedAt: null, lastSeq: { gt: 0 } },
    select: { id: true, auth0UserId: true },
  });
  const missing = known.filter((subject) => !seen.has(subject.auth0UserId!)).map((subject) => subject.id);
  const closed = await readClosedAccounts(missing);
  return missing.filter((id) => !closed.has(id)).length;
}
