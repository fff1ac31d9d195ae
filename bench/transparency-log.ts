// The transparency log (issue 12), each figure beside its ceiling in the same run:
// 1. integration: leaves/s through integrateQueuedLeaves on the ledger's own queued leaves;
//    ceiling: the same DELETE from the queue and INSERT of the rows, without hashing or signing
//    (rolled back, so the queue is left as it was).
// 2. the log pass of verification (readLogTree: every leaf read once, hashed, the root rebuilt and
//    each leaf's hash kept by row id for the rows' own passes); ceiling: COPY of LogLeaf.
// 3. inclusion proofs at `proofLeaves`: p50/p99 of readInclusionProof (random leaves, so most
//    level-0 tiles are read, the upper levels' and right edges' are kept: ADR 051); ceiling: the
//    SELECT of every tile the proof lies in, as a proof with nothing kept reads them. The tiles of a synthetic tree are written directly (this replaces the log's tiles, so
//    it runs last).
import { createHash } from "node:crypto";
import pg from "pg";
import { db } from "../lib/db/client.js";
import { integrateQueuedLeaves } from "../lib/transparency/integrate-queued-leaves.js";
import { readInclusionProof } from "../lib/transparency/read-proofs.js";
import { ProblemList, readLogTree } from "../lib/transparency/verify-log.js";
import { tilesForNodes } from "../lib/tlog/tiles.js";
import { inclusionProofPlan } from "../lib/tlog/merkle.js";
import { formatCheckpoint } from "../lib/tlog/checkpoint.js";
import { signNote } from "../lib/tlog/note.js";
import { logConfig } from "../lib/transparency/log-config.js";
import { measurePairs, percentile, psql, type BenchContext, type Figure } from "./harness.js";

const fmt = (value: number) => Math.round(value).toLocaleString("en");

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function logIntegrationAndVerification(ctx: BenchContext, leaves: number): Promise<Figure[]> {
  const integration = await measurePairs(
    ctx,
    {
      id: "log-integration",
      figure: `log integration, ${fmt(leaves)} queued leaves per run`,
      unit: "leaves/s",
      ceilingWhat: "the same DELETE from LogQueue and INSERT of the rows, no hashing or signing",
      kind: "throughput",
      target: "≥ 5,000 leaves/s",
    },
    async () => {
      const started = performance.now();
      let integrated = 0;
      while (integrated < leaves) {
        const batch = await integrateQueuedLeaves({ maxBatch: Math.min(10_000, leaves - integrated) });
        if (!batch || batch.integrated === 0) break;
        integrated += batch.integrated;
      }
      return integrated / ((performance.now() - started) / 1000);
    },
    // As the owner: the portal's role may not create the temporary table.
    () =>
      withClient(ctx.ownerUrl, async (client) => {
        const started = performance.now();
        await client.query("BEGIN");
        await client.query(`CREATE TEMP TABLE leaf_copy (LIKE "LogLeaf" INCLUDING DEFAULTS) ON COMMIT DROP`);
        let moved = 0;
        while (moved < leaves) {
          const { rowCount } = await client.query(
            `WITH batch AS (DELETE FROM "LogQueue" WHERE id IN (SELECT id FROM "LogQueue" ORDER BY id LIMIT 10000) RETURNING id, kind, row_id, data)
             INSERT INTO leaf_copy (log_index, kind, row_id, data) SELECT id, kind, row_id, data FROM batch`,
          );
          if (!rowCount) break;
          moved += rowCount;
        }
        const rate = moved / ((performance.now() - started) / 1000);
        await client.query("ROLLBACK");
        return moved > 0 ? rate : null;
      }),
  );

  let size = 0;
  // The verifier's own CPU per leaf: on this shared 2-core machine the wall-clock rate moves with
  // other processes' load, while the issue's target is "on one core" (PostgreSQL reads on the other).
  const cpuRates: number[] = [];
  const verification = await measurePairs(
    ctx,
    {
      id: "log-verification",
      figure: "log verification (readLogTree): every leaf read, root rebuilt, leaf hashes kept by row (one core)",
      unit: "leaves/s",
      ceilingWhat: "COPY of LogLeaf (psql \\copy, ordered)",
      kind: "throughput",
      target: "≥ 200,000 leaves/s",
    },
    async () => {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      // The product's own pass over the log (verify-log.ts's readLogTree), as `npm run
      // ledger:verify` runs it before the rows: every leaf read once, hashed, the root rebuilt.
      const problems = new ProblemList();
      const result = await withClient(ctx.url, async (reader) => {
        await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const tree = await readLogTree(reader, problems, {
          claims: [],
          problems: [],
          witnessedSize: null,
          witnessNames: [],
        });
        await reader.query("COMMIT");
        return tree;
      });
      if (problems.count > 0) throw new Error(`the benchmark's log does not verify: ${problems.items[0]?.message}`);
      size = result.size;
      const cpu = process.cpuUsage(cpuBefore);
      cpuRates.push(size / ((cpu.user + cpu.system) / 1e6));
      return size / ((performance.now() - started) / 1000);
    },
    async () => {
      const started = performance.now();
      await psql(ctx, ctx.url, `\\copy (SELECT log_index, data FROM "LogLeaf" ORDER BY log_index) TO '/dev/null'`);
      return size / ((performance.now() - started) / 1000);
    },
  );
  verification.figure = `log verification (readLogTree), ${fmt(size)} leaves: every leaf read, root rebuilt, leaf hashes kept by row (one core)`;
  const sortedCpu = [...cpuRates].sort((a, b) => a - b);
  const verificationCpu: Figure = {
    id: "log-verification-cpu",
    figure: `log verification (readLogTree), ${fmt(size)} leaves, per CPU-second of the verifying process`,
    value: sortedCpu.length ? sortedCpu[Math.floor(sortedCpu.length / 2)]! : null,
    unit: "leaves/CPU-s",
    ceiling: null,
    ceilingWhat: "none: Node's own CPU time (process.cpuUsage) during the runs above, median",
    kind: "throughput",
    ratio: null,
    target: "≥ 200,000 leaves/s on one core",
  };
  return [integration, verification, verificationCpu];
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

/** Full tiles of a synthetic tree of `leaves` leaves (partial tiles are left out: proofs do not need them). */
async function writeSyntheticTiles(owner: pg.Client, leaves: number) {
  await owner.query(`TRUNCATE "LogTile"`);
  let previous: Buffer | null = null;
  let count = leaves;
  for (let level = 0; count >= 1; level += 1) {
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
      await owner.query(
        `INSERT INTO "LogTile" (level, tile_index, hashes) SELECT $1, * FROM unnest($2::bigint[], $3::bytea[])`,
        [level, ids, data],
      );
    }
    previous = hashes;
    if (count < 256) break;
    count = Math.floor(count / 256);
  }
}

export async function inclusionProofs(ctx: BenchContext, proofLeaves: number): Promise<Figure[]> {
  await withClient(ctx.ownerUrl, (owner) => writeSyntheticTiles(owner, proofLeaves));
  const config = logConfig();
  await db().logCheckpoint.create({
    data: {
      size: BigInt(proofLeaves),
      rootHash: Buffer.alloc(32),
      note: signNote(
        formatCheckpoint({ origin: config.origin, size: proofLeaves, root: new Uint8Array(32) }),
        config.signerKey,
      ),
    },
  });
  const samplesPerRun = ctx.tiny ? 50 : 2_000;
  const p99 = (values: number[]) => percentile(values, 0.99);
  return withClient(ctx.url, async (client) => {
    const proofs: number[] = [];
    const tileReads: number[] = [];
    const figure = await measurePairs(
      ctx,
      {
        id: "inclusion-proof-p99",
        figure: `inclusion proof at ${fmt(proofLeaves)} leaves, p99`,
        unit: "ms",
        ceilingWhat: "the SELECT of every tile the proof lies in (what it reads with no tile kept, ADR 051), p99",
        kind: "latency",
        target: "< 10 ms",
      },
      async () => {
        const samples: number[] = [];
        for (let sample = 0; sample < samplesPerRun; sample += 1) {
          const index = Math.floor(Math.random() * proofLeaves);
          const t0 = performance.now();
          await readInclusionProof(index, proofLeaves);
          samples.push(performance.now() - t0);
        }
        proofs.push(...samples);
        return p99(samples);
      },
      async () => {
        const samples: number[] = [];
        for (let sample = 0; sample < samplesPerRun; sample += 1) {
          const index = Math.floor(Math.random() * proofLeaves);
          const tiles = tilesForNodes(inclusionProofPlan(index, proofLeaves).nodes, proofLeaves);
          const t0 = performance.now();
          await client.query(
            `SELECT t.hashes FROM "LogTile" t JOIN unnest($1::int[], $2::bigint[]) AS w(level, tile_index)
             ON t.level = w.level AND t.tile_index = w.tile_index`,
            [tiles.map((tile) => tile.level), tiles.map((tile) => String(tile.index))],
          );
          samples.push(performance.now() - t0);
        }
        tileReads.push(...samples);
        return p99(samples);
      },
    );
    figure.note = `p50 ${percentile(proofs, 0.5).toFixed(2)} ms (tile SELECT alone ${percentile(tileReads, 0.5).toFixed(2)} ms)`;
    return [figure];
  });
}
