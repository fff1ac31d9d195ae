// Whole-ledger verification (`verifyLedger`, what `npm run ledger:verify` and the integrity page
// run) against COPY of the same rows, and the hashing rule alone in a loop.
import pg from "pg";
import { verifyLedger } from "../lib/ledger/verify-ledger.js";
import { integrateQueuedLeaves } from "../lib/transparency/integrate-queued-leaves.js";
import { computeEventHash, type HashedEventColumns } from "../lib/ledger/event-hash.js";
import { measurePairs, psql, type BenchContext, type Figure } from "./harness.js";

async function countEvents(ctx: BenchContext): Promise<number> {
  const client = new pg.Client({ connectionString: ctx.url });
  await client.connect();
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "ConsentEvent"`);
  await client.end();
  return Number(rows[0]!.n);
}

/** computeEventHash over up to 200,000 events already in memory: the hashing rule's own speed. */
async function hashLoop(ctx: BenchContext): Promise<number> {
  const client = new pg.Client({ connectionString: ctx.url });
  await client.connect();
  const { rows } = await client.query<HashedEventColumns & { hash: string }>(
    `SELECT id, subject_id AS "subjectId", seq, hash_version AS "hashVersion", action::text AS action,
      purpose_id AS "purposeId", purpose_version_id AS "purposeVersionId", purpose_text_sha256 AS "purposeTextSha256",
      policy_version_id AS "policyVersionId", policy_text_sha256 AS "policyTextSha256", method::text AS method,
      actor_type::text AS "actorType", actor_id AS "actorId", actor_reason AS "actorReason", client_time AS "clientTime",
      server_time AS "serverTime", ip_truncated AS "ipTruncated", user_agent_hash AS "userAgentHash",
      idempotency_key AS "idempotencyKey", request_fingerprint AS "requestFingerprint", prev_hash AS "prevHash", hash
     FROM "ConsentEvent" LIMIT 200000`,
  );
  await client.end();
  const started = performance.now();
  for (const row of rows) {
    if (computeEventHash(row) !== row.hash) throw new Error(`event ${row.id} does not hash to its stored hash`);
  }
  return rows.length / ((performance.now() - started) / 1000);
}

/**
 * Integrates every queued leaf first: a running portal's queue holds at most a second of rows, so a
 * ledger whose leaves all wait in the queue (as generated) would time the queue lookup, not the
 * verifier. Returns the leaves integrated.
 */
async function integrateEverything(): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = await integrateQueuedLeaves({ maxBatch: 10_000 });
    if (!batch || batch.integrated === 0) return total;
    total += batch.integrated;
  }
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const integrated = await integrateEverything();
  if (integrated) console.log(`${integrated.toLocaleString("en")} queued leaves integrated before verifying.`);
  const events = await countEvents(ctx);
  const verification = await measurePairs(
    ctx,
    {
      id: "verification",
      figure: `verifyLedger, ${events.toLocaleString("en")} events`,
      unit: "events/s",
      ceilingWhat: "COPY of the same rows (psql \\copy, ordered)",
      kind: "throughput",
      target: "≥ 200,000 events/s per core and ≥ 0.5 of COPY",
    },
    async () => {
      const report = await verifyLedger();
      if (!report.ok) throw new Error(`the generated ledger does not verify: ${JSON.stringify(report).slice(0, 500)}`);
      return report.events / (report.durationMs / 1000);
    },
    async () => {
      const started = performance.now();
      await psql(ctx, ctx.url, `\\copy (SELECT * FROM "ConsentEvent" ORDER BY subject_id, seq) TO '/dev/null'`);
      return events / ((performance.now() - started) / 1000);
    },
  );
  const hashing = await measurePairs(
    ctx,
    {
      id: "hash-loop",
      figure: "computeEventHash alone, events in memory (one core)",
      unit: "events/s",
      ceilingWhat: "none: the hashing rule's own speed bounds a one-thread verifier",
      kind: "throughput",
      target: "information",
    },
    () => hashLoop(ctx),
    null,
  );
  return [verification, hashing];
}
