// Figures for the transparency log (issue 12), each beside its ceiling measured in the same run:
//   npx tsx --conditions=react-server bench/transparency-log.ts [--leaves 200000] [--proof-leaves 10000000]
// 1. integration: leaves/s through integrateQueuedLeaves; ceiling: the same INSERT of leaves and
//    DELETE of queue rows without hashing or signing.
// 2. inclusion proofs at --proof-leaves: p50/p99 of readInclusionProof; ceiling: the tile SELECT alone.
// 3. verification: leaves/s of reading every leaf and rebuilding the root; ceiling: COPY of LogLeaf.
import { createHash, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { startBenchDatabase } from "./bench-database.js";

const { values } = parseArgs({
  options: { leaves: { type: "string", default: "200000" }, "proof-leaves": { type: "string", default: "10000000" } },
});
const LEAVES = Number(values.leaves);
const PROOF_LEAVES = Number(values["proof-leaves"]);

const database = await startBenchDatabase("tlog");
const { db } = await import("../lib/db/client.js");
const { integrateQueuedLeaves } = await import("../lib/transparency/integrate-queued-leaves.js");
const { readInclusionProof } = await import("../lib/transparency/read-proofs.js");
const { TreeBuilder } = await import("../lib/transparency/tree-builder.js");
const { tilesForNodes } = await import("../lib/tlog/tiles.js");
const { inclusionProofPlan } = await import("../lib/tlog/merkle.js");
const { formatCheckpoint } = await import("../lib/tlog/checkpoint.js");
const { signNote } = await import("../lib/tlog/note.js");
const { logConfig } = await import("../lib/transparency/log-config.js");

const client = new pg.Client({ connectionString: database.url });
await client.connect();

/** A leaf shaped like a consent event's (about 700 bytes of JSON). */
function fakeLeaf(index: number): string {
  return JSON.stringify({
    type: "consent_event",
    fields: { v: 2, id: randomUUID(), subjectId: randomUUID(), seq: 1 + (index % 7), action: "granted" },
    hash: createHash("sha256").update(String(index)).digest("hex"),
    prevHash: "0".repeat(64),
    padding: "x".repeat(500),
  });
}

async function fillQueue(count: number) {
  const rows = Array.from({ length: count }, (_, index) => `consent_event\t${randomUUID()}\t${fakeLeaf(index)}\n`);
  // COPY in chunks: the queue as the writers would have left it.
  for (let start = 0; start < rows.length; start += 50_000) {
    await client.query(
      `INSERT INTO "LogQueue" (kind, row_id, data)
       SELECT 'consent_event', r.row_id, r.data FROM unnest($1::uuid[], $2::text[]) AS r(row_id, data)`,
      [
        rows.slice(start, start + 50_000).map((row) => row.split("\t")[1]),
        rows.slice(start, start + 50_000).map((row) => row.split("\t")[2]!.trimEnd()),
      ],
    );
  }
}

const results: Array<{ figure: string; value: string; ceiling: string; ratio: string }> = [];
const fmt = (value: number) => Math.round(value).toLocaleString("en");

// 1. Integration
await fillQueue(LEAVES);
let started = performance.now();
for (;;) {
  const batch = await integrateQueuedLeaves();
  if (!batch || batch.integrated === 0) break;
}
const integrationRate = LEAVES / ((performance.now() - started) / 1000);
await fillQueue(LEAVES);
started = performance.now();
await client.query("BEGIN");
await client.query(`CREATE TEMP TABLE leaf_copy (LIKE "LogLeaf") ON COMMIT DROP`);
for (;;) {
  const { rowCount } = await client.query(
    `WITH batch AS (DELETE FROM "LogQueue" WHERE id IN (SELECT id FROM "LogQueue" ORDER BY id LIMIT 10000) RETURNING id, kind, row_id, data)
     INSERT INTO leaf_copy (log_index, kind, row_id, data) SELECT id, kind, row_id, data FROM batch`,
  );
  if (!rowCount) break;
}
await client.query("COMMIT");
const integrationCeiling = LEAVES / ((performance.now() - started) / 1000);
results.push({
  figure: `integration, ${fmt(LEAVES)} leaves (leaves/s)`,
  value: fmt(integrationRate),
  ceiling: `${fmt(integrationCeiling)} (same INSERT/DELETE, no hashing)`,
  ratio: (integrationRate / integrationCeiling).toFixed(2),
});

// 3. Verification of the whole log: read every leaf, rebuild the root.
started = performance.now();
const builder = new TreeBuilder();
let after = -1n;
for (;;) {
  const { rows } = await client.query<{ log_index: string; data: string }>(
    `SELECT log_index, data FROM "LogLeaf" WHERE log_index > $1 ORDER BY log_index LIMIT 10000`,
    [after.toString()],
  );
  for (const row of rows) builder.addLeafData(row.data);
  if (rows.length < 10_000) break;
  after = BigInt(rows[rows.length - 1]!.log_index);
}
builder.root();
const verifyRate = builder.size / ((performance.now() - started) / 1000);
started = performance.now();
await client.query(`COPY (SELECT log_index, data FROM "LogLeaf" ORDER BY log_index) TO '/dev/null'`).catch(async () => {
  // COPY TO a file needs superuser or pg_write_server_files; read the same rows in one query instead.
  await client.query(`SELECT log_index, data FROM "LogLeaf" ORDER BY log_index`);
});
const copyRate = builder.size / ((performance.now() - started) / 1000);
results.push({
  figure: `verification, ${fmt(builder.size)} leaves (leaves/s, one core)`,
  value: fmt(verifyRate),
  ceiling: `${fmt(copyRate)} (COPY of the same rows)`,
  ratio: (verifyRate / copyRate).toFixed(2),
});

// 2. Inclusion proofs at PROOF_LEAVES: tiles written directly (hashes of synthetic leaves).
await client.query(`TRUNCATE "LogTile"`);
let levelHashes = PROOF_LEAVES;
let level = 0;
let previous: Buffer | null = null;
while (levelHashes >= 1) {
  // Level-0 hashes are synthetic leaf hashes; higher levels hash 256-wide subtrees of the level below.
  const count = level === 0 ? PROOF_LEAVES : Math.floor(levelHashes);
  const hashes = Buffer.alloc(count * 32);
  for (let index = 0; index < count; index += 1) {
    if (level === 0)
      createHash("sha256")
        .update(Buffer.of(0))
        .update(String(index))
        .digest()
        .copy(hashes, index * 32);
    else subtreeRoot(previous!, index * 256, 256).copy(hashes, index * 32);
  }
  for (let tile = 0; tile * 256 < count; tile += 400) {
    const ids: string[] = [];
    const data: Buffer[] = [];
    for (let t = tile; t < tile + 400 && t * 256 < count; t += 1) {
      ids.push(String(t));
      data.push(hashes.subarray(t * 256 * 32, Math.min(count, (t + 1) * 256) * 32));
    }
    await client.query(
      `INSERT INTO "LogTile" (level, tile_index, hashes) SELECT $1, * FROM unnest($2::bigint[], $3::bytea[])`,
      [level, ids, data],
    );
  }
  previous = hashes;
  levelHashes = count / 256;
  level += 1;
  if (count < 256) break;
}
function subtreeRoot(hashes: Buffer, start: number, width: number): Buffer {
  let nodes = Array.from({ length: width }, (_, i) => hashes.subarray((start + i) * 32, (start + i + 1) * 32));
  while (nodes.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < nodes.length; i += 2) {
      next.push(
        createHash("sha256")
          .update(Buffer.of(1))
          .update(nodes[i]!)
          .update(nodes[i + 1]!)
          .digest(),
      );
    }
    nodes = next;
  }
  return nodes[0]!;
}
const config = logConfig();
await db().logCheckpoint.create({
  data: {
    size: BigInt(PROOF_LEAVES),
    rootHash: Buffer.alloc(32),
    note: signNote(
      formatCheckpoint({ origin: config.origin, size: PROOF_LEAVES, root: new Uint8Array(32) }),
      config.signerKey,
    ),
  },
});
const samples: number[] = [];
const tileSamples: number[] = [];
for (let sample = 0; sample < 2_000; sample += 1) {
  const index = Math.floor(Math.random() * PROOF_LEAVES);
  let t0 = performance.now();
  await readInclusionProof(index, PROOF_LEAVES);
  samples.push(performance.now() - t0);
  const tiles = tilesForNodes(inclusionProofPlan(index, PROOF_LEAVES).nodes, PROOF_LEAVES);
  t0 = performance.now();
  await client.query(
    `SELECT t.hashes FROM "LogTile" t JOIN unnest($1::int[], $2::bigint[]) AS w(level, tile_index)
     ON t.level = w.level AND t.tile_index = w.tile_index`,
    [tiles.map((tile) => tile.level), tiles.map((tile) => String(tile.index))],
  );
  tileSamples.push(performance.now() - t0);
}
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!;
results.push({
  figure: `inclusion proof at ${fmt(PROOF_LEAVES)} leaves (ms, p50 / p99)`,
  value: `${pct(samples, 0.5).toFixed(2)} / ${pct(samples, 0.99).toFixed(2)}`,
  ceiling: `${pct(tileSamples, 0.5).toFixed(2)} / ${pct(tileSamples, 0.99).toFixed(2)} (the tile SELECT alone)`,
  ratio: (pct(tileSamples, 0.99) / pct(samples, 0.99)).toFixed(2),
});

console.table(results);
await client.end();
await db().$disconnect();
await database.stop();
