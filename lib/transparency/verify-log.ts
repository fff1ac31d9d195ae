import "server-only";
import type { Tx } from "@/lib/db/client";
import { openCheckpoint, parseCheckpoint } from "@/lib/tlog/checkpoint";
import { openNote, verifierKeyOf } from "@/lib/tlog/note";
import { fetchWitnessedCheckpoint } from "@/lib/witness/request-cosignature";
import { accessLogLeaf, adminChangeLeaf } from "./leaf-data";
import { keyName, logConfig } from "./log-config";
import { TreeBuilder } from "./tree-builder";

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

/** Consent events are compared in the ledger's own loop (verify-ledger.ts); these are the others. */
async function checkAuditRows(tx: Tx, problems: ProblemList): Promise<{ rows: number; pending: number }> {
  let rows = 0;
  let pending = 0;
  const tables = [
    {
      name: "AccessLog",
      select: `a.id, a.at, a.actor_type::text AS "actorType", a.actor_id AS "actorId", a.actor_role AS "actorRole",
               a.action, a.subject_id AS "subjectId", a.detail`,
      leaf: accessLogLeaf,
    },
    {
      name: "AdminChange",
      select: `a.id, a.at, a.actor_type::text AS "actorType", a.actor_id AS "actorId", a.action, a.target, a.before, a.after`,
      leaf: adminChangeLeaf,
    },
  ] as const;
  for (const table of tables) {
    let after: string | null = null;
    for (;;) {
      const batch: Array<Record<string, unknown> & { id: string; leafData: string | null; queuedData: string | null }> =
        await tx.$queryRawUnsafe(
          `SELECT ${table.select}, l.data AS "leafData", q.data AS "queuedData"
           FROM "${table.name}" a
           LEFT JOIN "LogLeaf" l ON l.row_id = a.id
           LEFT JOIN LATERAL (SELECT data FROM "LogQueue" q WHERE q.row_id = a.id LIMIT 1) q ON true
           ${after ? `WHERE a.id > $1::uuid` : ""} ORDER BY a.id LIMIT ${BATCH}`,
          ...(after ? [after] : []),
        );
      for (const row of batch) {
        rows += 1;
        const expected = table.leaf(row as never).data;
        compareLeaf(problems, row.id, expected, row.leafData, row.queuedData, () => (pending += 1));
      }
      if (batch.length < BATCH) break;
      after = batch[batch.length - 1]!.id;
    }
  }
  return { rows, pending };
}

/** Compares a row's recomputed leaf with the log's (or the queue's, before integration). */
export function compareLeaf(
  problems: ProblemList,
  rowId: string,
  expected: string,
  leafData: string | null,
  queuedData: string | null,
  onPending: () => void,
): void {
  // An empty queued leaf is a row recorded before the log, waiting for its leaf to be computed.
  if (leafData === null && (queuedData === expected || queuedData === "")) {
    onPending();
    return;
  }
  if (leafData === null && queuedData !== null) {
    problems.add({
      reason: "leaf_mismatch",
      rowId,
      message: `row ${rowId} differs from the entry queued for the log: the row was changed after it was written`,
    });
  } else if (leafData === null) {
    problems.add({
      reason: "not_in_log",
      rowId,
      message: `row ${rowId} is not in the log: it was inserted around the application`,
    });
  } else if (leafData !== expected) {
    problems.add({
      reason: "leaf_mismatch",
      rowId,
      message: `row ${rowId} differs from its log entry: the row (or its entry) was changed after it was logged`,
    });
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

/**
 * Rebuilds the tree from every leaf, checks it against the log's latest signed checkpoint and the
 * checkpoints the witnesses hold (`readWitnessClaims`), checks that every leaf still has its row
 * and that no entry is back-dated, and compares every AccessLog and AdminChange row with its leaf
 * (consent events are compared in verify-ledger.ts's own loop).
 */
export async function verifyLog(
  tx: Tx,
  consentEvents: { rows: number; pending: number },
  problems: ProblemList,
  witnessed: WitnessClaims,
): Promise<LogVerification> {
  const config = logConfig();
  const audit = await checkAuditRows(tx, problems);
  for (const problem of witnessed.problems) problems.add(problem);
  const claims = [...witnessed.claims];
  const witnessedSize = witnessed.witnessedSize;
  const [latest] = await tx.$queryRaw<Array<{ size: bigint; note: string }>>`
    SELECT size, note FROM "LogCheckpoint" ORDER BY size DESC LIMIT 1`;
  if (latest) {
    try {
      const { checkpoint } = openCheckpoint(latest.note, verifierKeyOf(config.signerKey));
      claims.push({ source: "the latest checkpoint", size: checkpoint.size, root: checkpoint.root });
    } catch {
      problems.add({ reason: "bad_signature", message: "the latest checkpoint is not signed by the log's key" });
    }
  }

  // Back-dating: the cosignature times of witnessed checkpoints, in size order.
  const cosigned = await tx.$queryRaw<Array<{ size: bigint; at: Date }>>`
    SELECT size, min(cosigned_at) AS at FROM "LogCosignature"
    WHERE witness = ANY(${witnessed.witnessNames}::text[])
    GROUP BY size ORDER BY size`;
  let cosignedIndex = -1;
  // Rows recorded before the log existed were logged at its start, dated in the past by nature.
  const [birth] = await tx.$queryRaw<Array<{ at: Date | null }>>`SELECT min(created_at) AS at FROM "LogCheckpoint"`;
  const logBirth = birth?.at?.getTime() ?? Infinity;

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
  /** Hashes one leaf into the tree; false when its index shows a gap (the pass stops there). */
  const takeLeaf = (index: number, data: string): boolean => {
    if (index !== builder.size) {
      problems.add({
        reason: "index_gap",
        logIndex: builder.size,
        message: `log entries ${builder.size}…${index - 1} are missing: leaves were deleted`,
      });
      return false;
    }
    while (cosignedIndex + 1 < cosigned.length && Number(cosigned[cosignedIndex + 1]!.size) <= index) {
      cosignedIndex += 1;
    }
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
    builder.addLeafData(data);
    if (wanted.has(builder.size)) checkRoot();
    return true;
  };

  const readLeaves = (after: bigint) =>
    tx.$queryRaw<Array<{ log_index: bigint; data: string }>>`
      SELECT log_index, data FROM "LogLeaf" WHERE log_index > ${after} ORDER BY log_index LIMIT ${BATCH}`;
  let next = readLeaves(-1n);
  for (;;) {
    const batch = await next;
    // The database reads the next batch while this one is hashed (they run on different cores).
    const last = batch[batch.length - 1];
    if (batch.length === BATCH) next = readLeaves(last!.log_index);
    let complete = true;
    for (const leaf of batch) {
      if (!takeLeaf(Number(leaf.log_index), leaf.data)) {
        complete = false;
        break;
      }
    }
    if (batch.length < BATCH) break;
    if (!complete) {
      await next; // a gap ended this pass: let the prefetched read finish before leaving
      break;
    }
  }
  await checkLeavesHaveRows(tx, problems);
  for (const claim of claims) {
    if (claim.size > builder.size) {
      problems.add({
        reason: "smaller_than_witnessed",
        message: `the database holds ${builder.size} log entries but ${claim.source} has ${claim.size}: the database was restored from an older backup or entries were deleted`,
      });
    }
  }
  const rows = consentEvents.rows + audit.rows;
  const pending = consentEvents.pending + audit.pending;
  return { ok: problems.count === 0, size: builder.size, rows, pending, witnessedSize, problems: problems.items };
}

/**
 * Leaves whose row is gone (evidence deleted), found by one anti-join per table: the database
 * hashes both sides once, where a lookup per leaf in the verifier's loop cost an index probe each.
 */
async function checkLeavesHaveRows(tx: Tx, problems: ProblemList): Promise<void> {
  const orphans = await tx.$queryRaw<Array<{ log_index: bigint }>>`
    SELECT log_index FROM (
      (SELECT l.log_index FROM "LogLeaf" l WHERE l.kind = 'consent_event'
         AND NOT EXISTS (SELECT 1 FROM "ConsentEvent" e WHERE e.id = l.row_id) LIMIT 100)
      UNION ALL
      (SELECT l.log_index FROM "LogLeaf" l WHERE l.kind = 'access_log'
         AND NOT EXISTS (SELECT 1 FROM "AccessLog" a WHERE a.id = l.row_id) LIMIT 100)
      UNION ALL
      (SELECT l.log_index FROM "LogLeaf" l WHERE l.kind = 'admin_change'
         AND NOT EXISTS (SELECT 1 FROM "AdminChange" c WHERE c.id = l.row_id) LIMIT 100)
    ) AS orphan ORDER BY log_index LIMIT 100`;
  for (const { log_index } of orphans) {
    const index = Number(log_index);
    problems.add({
      reason: "leaf_without_row",
      logIndex: index,
      message: `log entry ${index} has no row any more: evidence was deleted`,
    });
  }
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
