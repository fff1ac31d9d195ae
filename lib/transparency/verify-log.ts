import "server-only";
import type pg from "pg";
import { openCheckpoint, parseCheckpoint } from "@/lib/tlog/checkpoint";
import { openNote, verifierKeyOf } from "@/lib/tlog/note";
import { fetchWitnessedCheckpoint } from "@/lib/witness/request-cosignature";
import { accessLogLeaf, adminChangeLeaf } from "./leaf-data";
import { keyName, logConfig } from "./log-config";
import { hashLeafData, LeafTable, type LeafKindName } from "./leaf-table";
import { TreeBuilder } from "./tree-builder";
import { releaseRows } from "@/lib/db/snapshot-reader";

/** What an insider's change to the evidence looks like to the verifier (ADR 028). */
type LogProblemReason =
  /** A row's leaf, recomputed from the row, differs from the log's leaf: the row was edited. */
  | "leaf_mismatch"
  /** A row is neither in the log nor queued for it: inserted around the application. */
  | "not_in_log"
  /** A leaf whose row is gone: rows were deleted. */
  | "leaf_without_row"
  /** The log's leaves are not numbered 0, 1, 2…: leaves were deleted. */
  | "index_gap"
  /** The tree rebuilt from the leaves does not have a checkpoint's root: the log was rewritten. */
  | "root_mismatch"
  /** A witness cosigned a larger tree than the database holds: an older backup, or deleted leaves. */
  | "smaller_than_witnessed"
  /** A witness holds a different root for a size we have: the log was forked or rewritten. */
  | "fork"
  /** An entry dated before a checkpoint that was witnessed without it: back-dated. */
  | "backdated"
  /** A checkpoint or cosignature does not verify with the configured keys. */
  | "bad_signature"
  /** A witness could not be asked; nothing can be concluded from it. */
  | "witness_unreachable";

export interface LogProblem {
  reason: LogProblemReason;
  message: string;
  logIndex?: number;
  rowId?: string;
  witness?: string;
}

export interface LogVerification {
  ok: boolean;
  /** Leaves in the log. */
  size: number;
  /** Rows of the three tables checked against their leaves. */
  rows: number;
  /** Rows committed but not integrated yet (queued). */
  pending: number;
  /** The largest tree a witness has cosigned, as read from the witnesses themselves. */
  witnessedSize: number | null;
  problems: LogProblem[];
}

const BATCH = 10_000;
/** How long after a checkpoint an entry dated before it may still be integrated (queue latency). */
const BACKDATING_TOLERANCE_MS = 5 * 60_000;

/** Collects problems up to a limit; `ok` stays false once anything was found. */
export class ProblemList {
  readonly items: LogProblem[] = [];
  count = 0;
  constructor(private readonly max = 100) {}
  add(problem: LogProblem) {
    this.count += 1;
    if (this.items.length < this.max) this.items.push(problem);
  }
}

/**
 * Rows checked against the log: each row's leaf is recomputed from the row and matched, by row id,
 * with the leaf hashes the log pass kept (ADR 046). Rows without a leaf are looked up in the queue
 * once per batch (`settle`): committed but not integrated yet, or inserted around the application.
 */
export class RowCheck {
  rows = 0;
  pending = 0;
  private absent: Array<{ rowId: string; leafHash: string }> = [];

  constructor(
    private readonly leaves: LeafTable,
    private readonly problems: ProblemList,
  ) {}

  add(kind: LeafKindName, rowId: string, data: string): void {
    this.addHash(kind, rowId, hashLeafData(data));
  }

  /** A row by its leaf's hash (`hashLeafData`), computed by whoever read the row. */
  addHash(kind: LeafKindName, rowId: string, leafHash: string): void {
    this.rows += 1;
    const match = this.leaves.match(rowId, kind, leafHash);
    if (match === "differs") {
      this.problems.add({
        reason: "leaf_mismatch",
        rowId,
        message: `row ${rowId} differs from its log entry: the row (or its entry) was changed after it was logged`,
      });
    } else if (match === "absent") {
      this.absent.push({ rowId, leafHash });
    }
  }

  /** Compares the rows found without a leaf since the last call with the queue's entries. */
  async settle(reader: pg.Client): Promise<void> {
    if (this.absent.length === 0) return;
    const absent = this.absent;
    this.absent = [];
    const { rows } = await reader.query<{ row_id: string; data: string }>({
      name: "verify-log-queued",
      text: `SELECT DISTINCT ON (row_id) row_id::text AS row_id, data FROM "LogQueue"
             WHERE row_id = ANY($1::uuid[]) ORDER BY row_id, id`,
      values: [absent.map((row) => row.rowId)],
    });
    const queued = new Map(rows.map((row) => [row.row_id, row.data]));
    for (const { rowId, leafHash } of absent) {
      const entry = queued.get(rowId);
      // An empty queued leaf is a row recorded before the log, waiting for its leaf to be computed.
      if (entry === "" || (entry !== undefined && hashLeafData(entry) === leafHash)) {
        this.pending += 1;
      } else if (entry !== undefined) {
        this.problems.add({
          reason: "leaf_mismatch",
          rowId,
          message: `row ${rowId} differs from the entry queued for the log: the row was changed after it was written`,
        });
      } else {
        this.problems.add({
          reason: "not_in_log",
          rowId,
          message: `row ${rowId} is not in the log: it was inserted around the application`,
        });
      }
    }
  }
}

/** Consent events are checked in the ledger's own loop (verify-ledger.ts); these are the others. */
export async function checkAuditRows(reader: pg.Client, check: RowCheck): Promise<void> {
  const tables = [
    {
      name: "AccessLog",
      kind: "access_log",
      select: `id::text AS id, at, actor_type::text AS "actorType", actor_id AS "actorId", actor_role AS "actorRole",
               action, subject_id::text AS "subjectId", detail`,
      leaf: accessLogLeaf,
    },
    {
      name: "AdminChange",
      kind: "admin_change",
      select: `id::text AS id, at, actor_type::text AS "actorType", actor_id AS "actorId", action, target, before, after`,
      leaf: adminChangeLeaf,
    },
  ] as const;
  for (const table of tables) {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      // Keyset batches on the primary key, no join: the leaves were read once, in log order.
      const { rows: batch } = await reader.query<Record<string, unknown> & { id: string }>({
        name: `verify-log-${table.kind}`,
        text: `SELECT ${table.select} FROM "${table.name}" WHERE id > $1::uuid ORDER BY id LIMIT ${BATCH}`,
        values: [after],
      });
      const full = batch.length === BATCH;
      if (full) after = batch[batch.length - 1]!.id;
      for (const row of batch) check.add(table.kind, row.id, table.leaf(row as never).data);
      releaseRows(batch);
      await check.settle(reader);
      if (!full) break;
    }
  }
}

interface CheckpointClaim {
  source: string;
  size: number;
  root: Uint8Array;
  /** Cosignature time, for witnesses. */
  time?: number;
}

export interface WitnessClaims {
  claims: CheckpointClaim[];
  problems: LogProblem[];
  witnessedSize: number | null;
  witnessNames: string[];
}

/**
 * Asks every witness (configured, plus any the person verifying brings, e.g. an auditor's own)
 * for the latest checkpoint it cosigned for this log, checking the log's and the witness's
 * signatures. Called BEFORE the verifier's snapshot: whatever a witness cosigned was committed
 * first, so the snapshot holds at least that tree.
 */
export async function readWitnessClaims(
  extraWitnesses: Array<{ url: string; verifierKey: string }> = [],
): Promise<WitnessClaims> {
  const config = logConfig();
  const witnesses = [
    ...config.witnesses,
    ...extraWitnesses.map((witness) => ({ ...witness, name: keyName(witness.verifierKey) })),
  ];
  const claims: CheckpointClaim[] = [];
  const problems: LogProblem[] = [];
  let witnessedSize: number | null = null;
  for (const witness of witnesses) {
    let note: string | null;
    try {
      note = await fetchWitnessedCheckpoint(witness.url, config.origin);
    } catch (error) {
      problems.push({
        reason: "witness_unreachable",
        witness: witness.name,
        message: `witness ${witness.name} could not be asked: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    if (note === null) continue; // the witness has not cosigned anything for us yet
    try {
      const opened = openNote(note, [verifierKeyOf(config.signerKey), witness.verifierKey]);
      const signedBy = new Set(opened.verified.map((signature) => signature.name));
      if (!signedBy.has(config.origin) || !signedBy.has(witness.name)) throw new Error("a signature is missing");
      const checkpoint = parseCheckpoint(opened.text);
      claims.push({ source: `witness ${witness.name}`, size: checkpoint.size, root: checkpoint.root });
      witnessedSize = Math.max(witnessedSize ?? 0, checkpoint.size);
    } catch {
      problems.push({
        reason: "bad_signature",
        witness: witness.name,
        message: `witness ${witness.name} holds a checkpoint that is not signed by both the log and the witness`,
      });
    }
  }
  return { claims, problems, witnessedSize, witnessNames: config.witnesses.map((witness) => witness.name) };
}

/** The log as read by `readLogTree`: its tree, and every leaf's hash by row id. */
export interface LogTree {
  /** Leaves up to the first gap (the tree could not be rebuilt past it). */
  size: number;
  leaves: LeafTable;
  claims: CheckpointClaim[];
  witnessedSize: number | null;
}

/**
 * Reads every leaf in log order, once: rebuilds the tree and checks its root against the log's
 * latest signed checkpoint and the checkpoints the witnesses hold (`readWitnessClaims`), checks
 * that no entry is back-dated, and keeps each leaf's hash by row id for the rows' own passes
 * (`RowCheck`). `reader` is a connection in the verification's snapshot.
 */
export async function readLogTree(
  reader: pg.Client,
  problems: ProblemList,
  witnessed: WitnessClaims,
  /** Called once the leaves are counted, then after each batch (the integrity page's progress). */
  onBatch?: (leavesRead: number, leavesTotal: number) => Promise<void>,
): Promise<LogTree> {
  const config = logConfig();
  for (const problem of witnessed.problems) problems.add(problem);
  const claims = [...witnessed.claims];
  const { rows: latest } = await reader.query<{ note: string }>(
    `SELECT note FROM "LogCheckpoint" ORDER BY size DESC LIMIT 1`,
  );
  if (latest[0]) {
    try {
      const { checkpoint } = openCheckpoint(latest[0].note, verifierKeyOf(config.signerKey));
      claims.push({ source: "the latest checkpoint", size: checkpoint.size, root: checkpoint.root });
    } catch {
      problems.add({ reason: "bad_signature", message: "the latest checkpoint is not signed by the log's key" });
    }
  }

  // Back-dating: the cosignature times of witnessed checkpoints, in size order.
  const { rows: cosigned } = await reader.query<{ size: number; at: Date }>(
    `SELECT c.size::float8 AS size, min(c.cosigned_at) AS at FROM "LogCosignature" c
     WHERE c.witness = ANY($1::text[]) GROUP BY c.size ORDER BY c.size`,
    [witnessed.witnessNames],
  );
  let cosignedIndex = -1;
  // Rows recorded before the log existed were logged at its start, dated in the past by nature.
  const { rows: birth } = await reader.query<{ at: Date | null }>(`SELECT min(created_at) AS at FROM "LogCheckpoint"`);
  const logBirth = birth[0]?.at?.getTime() ?? Infinity;

  const builder = new TreeBuilder();
  const wanted = new Map<number, CheckpointClaim[]>();
  for (const claim of claims) wanted.set(claim.size, [...(wanted.get(claim.size) ?? []), claim]);
  const checkRoot = () => {
    for (const claim of wanted.get(builder.size) ?? []) {
      if (!Buffer.from(claim.root).equals(builder.root())) {
        problems.add({
          reason: claim.source.startsWith("witness") ? "fork" : "root_mismatch",
          message: `the tree rebuilt from the database's leaves has a different root at size ${claim.size} than ${claim.source}: the log was rewritten or forked`,
        });
      }
    }
  };
  checkRoot();

  // Times compared as ISO-8601 text (the leaves hold `toISOString()`), so no Date per leaf.
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : "\uffff");
  const birthFloor = iso(logBirth - BACKDATING_TOLERANCE_MS);
  const cosignedFloors = cosigned.map((checkpoint) => iso(checkpoint.at.getTime() - BACKDATING_TOLERANCE_MS));
  // Sized for the log up front: growing a table of millions of leaves rehashes it several times.
  const { rows: counted } = await reader.query<{ leaves: number }>(`SELECT count(*)::float8 AS leaves FROM "LogLeaf"`);
  const total = counted[0]?.leaves ?? 0;
  const leaves = new LeafTable(total);
  await onBatch?.(0, total);
  let gap = false;
  const takeLeaf = (index: number, kind: LeafKindName, rowId: string, data: string) => {
    const leafHash = hashLeafData(data);
    leaves.add(rowId, kind, index, leafHash);
    if (gap) return; // past a gap the tree cannot be rebuilt; the rows are still matched
    if (index !== builder.size) {
      gap = true;
      problems.add({
        reason: "index_gap",
        logIndex: builder.size,
        message: `log entries ${builder.size}…${index - 1} are missing: leaves were deleted`,
      });
      return;
    }
    while (cosignedIndex + 1 < cosigned.length && cosigned[cosignedIndex + 1]!.size <= index) cosignedIndex += 1;
    if (cosignedIndex >= 0) {
      const time = leafTime(data);
      if (time !== null && time >= birthFloor && time < cosignedFloors[cosignedIndex]!) {
        const witnessedBefore = cosigned[cosignedIndex]!;
        problems.add({
          reason: "backdated",
          logIndex: index,
          message: `log entry ${index} is dated ${time}, before the witnessed checkpoint of ${witnessedBefore.size} entries (${witnessedBefore.at.toISOString()}) that did not contain it`,
        });
      }
    }
    builder.addLeafHash(leafHash);
    if (wanted.has(builder.size)) checkRoot();
  };

  // Rows as arrays, one statement planned once: the log's leaves are the verifier's largest read.
  const readLeaves = (after: number) =>
    reader.query<[number, LeafKindName, string, string]>({
      name: "verify-log-leaves",
      // `l.log_index`: a bare `log_index` in ORDER BY would name the float8 output column, and
      // PostgreSQL would sort the rows instead of walking the primary key.
      text: `SELECT l.log_index::float8, l.kind::text, l.row_id::text, l.data FROM "LogLeaf" l
             WHERE l.log_index > $1 ORDER BY l.log_index LIMIT ${BATCH}`,
      values: [after],
      rowMode: "array",
    });
  let next = readLeaves(-1);
  for (;;) {
    const { rows: batch } = await next;
    // The database reads the next batch while this one is hashed (they run on different cores).
    const full = batch.length === BATCH;
    if (full) next = readLeaves(batch[batch.length - 1]![0]);
    for (const [index, kind, rowId, data] of batch) takeLeaf(index, kind, rowId, data);
    releaseRows(batch);
    await onBatch?.(leaves.size, total);
    if (!full) break;
  }
  return { size: builder.size, leaves, claims, witnessedSize: witnessed.witnessedSize };
}

/**
 * The log's verdict once every row was checked (`RowCheck`): leaves no row matched are evidence
 * deleted, and a tree smaller than a checkpoint anyone holds is an older backup or deleted leaves.
 */
export function finishLogVerification(tree: LogTree, check: RowCheck, problems: ProblemList): LogVerification {
  for (const index of tree.leaves.unmatchedIndexes()) {
    problems.add({
      reason: "leaf_without_row",
      logIndex: index,
      message: `log entry ${index} has no row any more: evidence was deleted`,
    });
  }
  for (const claim of tree.claims) {
    if (claim.size > tree.size) {
      problems.add({
        reason: "smaller_than_witnessed",
        message: `the database holds ${tree.size} log entries but ${claim.source} has ${claim.size}: the database was restored from an older backup or entries were deleted`,
      });
    }
  }
  return {
    ok: problems.count === 0,
    size: tree.size,
    rows: check.rows,
    pending: check.pending,
    witnessedSize: tree.witnessedSize,
    problems: problems.items,
  };
}

/**
 * The time a leaf claims, as ISO-8601 text: the event's server time, or the audit row's time.
 * A consent event's fields are all scalars, so its one `"serverTime":"` key (a quote inside a
 * string value is escaped, never preceded by `,` or `{`) is found without parsing the JSON; a
 * leaf that is not what the portal writes fails the row comparison anyway.
 */
function leafTime(data: string): string | null {
  if (data.startsWith('{"fields":{')) {
    const key = data.indexOf('"serverTime":"');
    const before = data.charCodeAt(key - 1);
    if (key > 0 && (before === 0x2c || before === 0x7b)) return data.slice(key + 14, key + 38);
  }
  try {
    const leaf = JSON.parse(data) as { fields?: { serverTime?: unknown }; at?: unknown };
    const text = leaf.fields?.serverTime ?? leaf.at;
    return typeof text === "string" ? text : null;
  } catch {
    return null;
  }
}
