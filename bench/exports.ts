// "A million rows must not grow the server's memory" — measured (not part of `npm test`):
//   NODE_OPTIONS=--expose-gc npx tsx --conditions=react-server bench/exports.ts [rows]
// Starts a throw-away embedded PostgreSQL, fills the ledger with `rows` consent events (default
// 1,000,000, in 250,000 subjects with four purposes each, so the current state has as many
// rows), then exports them the ways the portal does, sampling this process's RSS every 10 ms:
//   1. over HTTP (the same stream the download route returns) to curl, as fast as it reads;
//   2. the same, to a slow client (curl --limit-rate), where only backpressure keeps memory flat;
//   3. as a background job: gzipped into ExportJobChunk rows, then read back and gunzipped.
// Each line reports rows/s, MB/s and RSS growth over the baseline taken just before the run.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { adminActor } from "../test/actors.js";
import { startBenchDatabase } from "./bench-database.js";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const PURPOSES_PER_SUBJECT = 4;
const SUBJECTS = Math.ceil(ROWS / PURPOSES_PER_SUBJECT);
const MB = 1024 * 1024;

const database = await startBenchDatabase("exports");

const { db } = await import("../lib/db/client.js");
const { seedConsentCatalog } = await import("../lib/demo/consent-catalog.js");
const { openLedgerExport } = await import("../lib/exports/open-ledger-export.js");
const { closeExportPool } = await import("../lib/exports/export-pool.js");
const { startLedgerExportJob } = await import("../lib/exports/start-ledger-export-job.js");
const { runLedgerExportJob } = await import("../lib/exports/run-ledger-export-job.js");
const { openExportJobFile } = await import("../lib/exports/open-export-job-file.js");

// --- Data: generated in SQL (the ledger's append path is measured by bench/ledger-bench.ts) ---------
await db().$transaction((tx) => seedConsentCatalog(tx));
let started = performance.now();
// Generated as the owner (a temporary table, ANALYZE); the exports run as the portal's role.
const owner = new pg.Client({ connectionString: database.ownerUrl });
await owner.connect();
await owner.query(`
  CREATE TEMP TABLE bench_subjects AS SELECT gen_random_uuid() AS id, n FROM generate_series(1, ${SUBJECTS}) n;
  INSERT INTO "Subject" (id, last_seq, created_at) SELECT id, ${PURPOSES_PER_SUBJECT}, now() FROM bench_subjects;
  INSERT INTO "ConsentEvent" (id, subject_id, seq, action, purpose_id, policy_version_id, policy_text_sha256, method,
      actor_type, actor_reason, server_time, ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash)
    SELECT gen_random_uuid(), s.id, p.position + 1, 'granted', p.id, v.id, v.text_sha256, 'signup', 'self',
      CASE WHEN s.n % 1000 = 0 THEN '=cmd|'' /C calc''!A0' END,
      now() - (s.n || ' seconds')::interval, '203.0.113.0', md5(s.n::text) || md5(p.key),
      'bench-' || s.n, md5(s.id::text) || md5(p.key),
      encode(sha256(convert_to(s.id::text || p.key || 'prev', 'UTF8')), 'hex'),
      encode(sha256(convert_to(s.id::text || p.key, 'UTF8')), 'hex')
    FROM bench_subjects s
    CROSS JOIN "Purpose" p
    JOIN LATERAL (SELECT id, text_sha256 FROM "PolicyVersion" WHERE kind = p.policy_kind ORDER BY published_at DESC LIMIT 1) v ON true;
  INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, event_id, seq, updated_at)
    SELECT subject_id, purpose_id, 'granted', policy_version_id, id, seq, server_time FROM "ConsentEvent";
  ANALYZE;`);
await owner.end();
const events = await db().consentEvent.count();
console.log(
  `Generated ${events.toLocaleString("en")} events and as many states in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);

// --- Measurement ---------------------------------------------------------------------------------
const gc = (globalThis as { gc?: () => void }).gc;
function settle() {
  gc?.();
  gc?.();
}

async function measure(label: string, rows: number, work: () => Promise<number>) {
  settle();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 10);
  started = performance.now();
  const bytes = await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(
    [
      label.padEnd(44),
      `${(rows / seconds).toFixed(0).padStart(7)} rows/s`,
      `${(bytes / MB / seconds).toFixed(1).padStart(6)} MB/s`,
      `${(bytes / MB).toFixed(0).padStart(5)} MB out`,
      `RSS ${(baseline.rss / MB).toFixed(0)} → peak ${(peakRss / MB).toFixed(0)} MB (+${((peakRss - baseline.rss) / MB).toFixed(1)})`,
      `heap +${((peakHeap - baseline.heapUsed) / MB).toFixed(1)} MB`,
    ].join("  "),
  );
}

/** The download route's job, on a bare HTTP server: stream the export into the response. */
const http = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://localhost");
  const dataset = url.searchParams.get("dataset") === "consent_state" ? "consent_state" : "consent_events";
  const format = (url.searchParams.get("format") ?? "csv") as "csv" | "json" | "ndjson";
  openLedgerExport({ dataset, format }).then(
    async (exported) => {
      response.writeHead(200, { "content-type": exported.contentType });
      await pipeline(exported.stream, response);
    },
    (error: unknown) => {
      console.error(error);
      response.writeHead(500).end();
    },
  );
});
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
const port = (http.address() as { port: number }).port;

/** Downloads with curl in its own process (its memory is not ours); returns the bytes received. */
function curl(path: string, limitRate?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = ["-sS", "-o", "/dev/null", "-w", "%{size_download}", `http://127.0.0.1:${port}${path}`];
    if (limitRate) args.unshift("--limit-rate", limitRate);
    const child = spawn("curl", args);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Number(output)) : reject(new Error(`curl exited ${code}`))));
  });
}

// Warm up (JIT, pool, plan cache) on a small export before measuring.
await curl("/?dataset=consent_state&format=csv");

console.log(
  `\nExporting ${events.toLocaleString("en")} rows (Node ${process.version}, gc ${gc ? "exposed" : "not exposed"}):`,
);
await measure("HTTP, events as CSV", events, () => curl("/?dataset=consent_events&format=csv"));
await measure("HTTP, events as NDJSON", events, () => curl("/?dataset=consent_events&format=ndjson"));
await measure("HTTP, current state as JSON", events, () => curl("/?dataset=consent_state&format=json"));
await measure("HTTP, events as CSV, client reads 40 MB/s", events, () =>
  curl("/?dataset=consent_events&format=csv", "40M"),
);

const actor = adminActor("bench");
const job = await startLedgerExportJob({ dataset: "consent_events", format: "csv" }, actor);
let stored = 0;
await measure("job: events as CSV → gzip → ExportJobChunk rows", events, async () => {
  const finished = await runLedgerExportJob(job.id);
  if (finished?.status !== "completed") throw new Error(`job ended ${finished?.status}`);
  const chunks = await db().$queryRaw<Array<{ bytes: bigint }>>`
    SELECT sum(octet_length(data))::bigint AS bytes FROM "ExportJobChunk" WHERE job_id = ${job.id}::uuid`;
  stored = Number(chunks[0]?.bytes ?? 0);
  return stored;
});
await measure("job file read back and gunzipped", events, async () => {
  const file = await openExportJobFile({ jobId: job.id }, actor);
  let bytes = 0;
  await pipeline(
    file.stream,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback();
      },
    }),
  );
  return bytes;
});
console.log(`(the job stored ${(stored / MB).toFixed(1)} MB of gzip in the database)`);

http.close();
await closeExportPool();
await db().$disconnect();
await database.stop();
