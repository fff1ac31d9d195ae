// Whole-ledger verification (`verifyLedger`, what `npm run ledger:verify` and the integrity page
// run) against COPY of the same rows, and the hashing rule alone in a loop.
import pg from "pg";
import { verifyLedger } from "../lib/ledger/verify-ledger.js";
import { defaultEventWorkers, eventsInWorkers } from "../lib/ledger/verify-events-in-workers.js";
import { integrateQueuedLeaves } from "../lib/transparency/integrate-queued-leaves.js";
import { computeEventHash, type HashedEventColumns } from "../lib/ledger/event-hash.js";
import { formatFigure, measurePairs, median, psql, type BenchContext, type Figure } from "./harness.js";

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

/**
 * Events per second over the last quarter of the events pass ÷ over its first quarter (1 = every
 * batch costs the same; a pass that rescans from the start would fall well below 1).
 */
function endToStartPace(all: Array<{ at: number; events: number }>): number {
  // From the first batch's end: the mark before it is taken before the log pass.
  const marks = all.filter((mark) => mark.events > 0);
  const total = marks.at(-1)?.events ?? 0;
  const rate = (from: number, to: number) => {
    const first = marks.find((mark) => mark.events >= from);
    const last = marks.findLast((mark) => mark.events <= to);
    return first && last && last.at > first.at ? (last.events - first.events) / (last.at - first.at) : NaN;
  };
  return rate(0.75 * total, total) / rate(0, 0.25 * total);
}

const paces: number[] = [];

/**
 * What verifyLedger reads besides the events (ADR 045, 048): every log leaf in log order, the
 * subjects' heads, the consent states and the audit rows, with the columns it selects. COPY of all
 * of it, after COPY of the events, is the floor for a verifier that reads everything once.
 */
const OTHER_ROWS_VERIFIED = [
  `SELECT log_index, kind, row_id, data FROM "LogLeaf" ORDER BY log_index`,
  `SELECT id, last_seq, last_hash FROM "Subject"`,
  `SELECT subject_id, purpose_id, status, policy_version_id, event_id, seq FROM "ConsentState"`,
  `SELECT id, at, actor_type, actor_id, actor_role, action, subject_id, detail FROM "AccessLog" ORDER BY id`,
  `SELECT id, at, actor_type, actor_id, action, target, before, after FROM "AdminChange" ORDER BY id`,
];

const medianOrNull = (values: number[]) => (values.length ? median(values) : null);

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const integrated = await integrateEverything();
  if (integrated) console.log(`${integrated.toLocaleString("en")} queued leaves integrated before verifying.`);
  const events = await countEvents(ctx);
  // Whole passes, for the second comparison below: verifyLedger's, and COPY of every row it reads.
  const verifySeconds: number[] = [];
  const copyAllSeconds: number[] = [];
  // The same pass with the events in worker threads as `npm run ledger:verify` runs it (ADR 053),
  // at least two, in the same pairs: events/s and its ratio to that pair's COPY.
  const workers = Math.max(2, defaultEventWorkers());
  const inWorkers: Array<{ rate: number; ratio: number }> = [];
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
      // Progress after each batch, as the integrity page gets it: the events pass's pace at its
      // start and at its end shows whether a batch costs more the further it is (ADR 046).
      const marks: Array<{ at: number; events: number }> = [];
      const report = await verifyLedger({
        // The tiny run's ledger fits in one batch of the default size: smaller ones give it a pace.
        ...(ctx.tiny ? { batchSize: 100 } : {}),
        onProgress: ({ processedEvents }) => {
          marks.push({ at: performance.now(), events: processedEvents });
          return Promise.resolve();
        },
      });
      if (!report.ok) throw new Error(`the generated ledger does not verify: ${JSON.stringify(report).slice(0, 500)}`);
      paces.push(endToStartPace(marks));
      verifySeconds.push(report.durationMs / 1000);
      const spread = await verifyLedger({
        readEvents: eventsInWorkers(workers),
        ...(ctx.tiny ? { batchSize: 100 } : {}),
      });
      if (!spread.ok) throw new Error("the generated ledger does not verify in worker threads");
      inWorkers.push({ rate: spread.events / (spread.durationMs / 1000), ratio: NaN });
      return report.events / (report.durationMs / 1000);
    },
    async () => {
      const started = performance.now();
      await psql(ctx, ctx.url, `\\copy (SELECT * FROM "ConsentEvent" ORDER BY subject_id, seq) TO '/dev/null'`);
      const eventsSeconds = (performance.now() - started) / 1000;
      for (const select of OTHER_ROWS_VERIFIED) await psql(ctx, ctx.url, `\\copy (${select}) TO '/dev/null'`);
      copyAllSeconds.push((performance.now() - started) / 1000);
      const last = inWorkers.at(-1);
      if (last) last.ratio = last.rate / (events / eventsSeconds);
      return events / eventsSeconds;
    },
  );
  const spread: Figure = {
    id: "verification-workers",
    figure: `verifyLedger, ${events.toLocaleString("en")} events, read and hashed in ${workers} worker threads`,
    value: medianOrNull(inWorkers.map((pair) => pair.rate)),
    unit: "events/s",
    ceiling: verification.ceiling,
    ceilingWhat: "COPY of the same rows, as above (same pairs)",
    kind: "throughput",
    ratio: medianOrNull(inWorkers.map((pair) => pair.ratio).filter(Number.isFinite)),
    target: "information: the line above on one thread; workers pay where there are cores to spare (ADR 053)",
  };
  console.log(formatFigure(spread));
  const wholePass: Figure = {
    id: "verification-all-rows",
    figure: `verifyLedger's whole pass, ${events.toLocaleString("en")} events and every other row it checks`,
    value: medianOrNull(verifySeconds),
    unit: "s",
    ceiling: medianOrNull(copyAllSeconds),
    ceilingWhat: "COPY of every row it reads: events, log leaves, subjects, states, audit rows (psql \\copy)",
    kind: "latency",
    ratio: medianOrNull(
      verifySeconds.map((seconds, pair) => (copyAllSeconds[pair] ?? NaN) / seconds).filter(Number.isFinite),
    ),
    target: "information (the issue's ratio is the line above, against the events alone)",
  };
  console.log(formatFigure(wholePass));
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
  const sortedPaces = paces.filter(Number.isFinite).sort((a, b) => a - b);
  const linearity: Figure = {
    id: "verification-linearity",
    figure: `verifyLedger's events pass, ${events.toLocaleString("en")} events: pace over the last quarter ÷ over the first`,
    value: sortedPaces.length ? Number(sortedPaces[Math.floor(sortedPaces.length / 2)]!.toFixed(2)) : null,
    unit: "×",
    ceiling: null,
    ceilingWhat: "none: 1 means a batch at the end costs what one at the start does (keyset batches, no rescan)",
    kind: "throughput",
    ratio: null,
    target: "≈ 1 (linear in the ledger)",
  };
  console.log(formatFigure(linearity));
  return [verification, spread, wholePass, linearity, hashing];
}
