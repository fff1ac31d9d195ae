import "server-only";
import { randomUUID } from "node:crypto";
import { actorChannel, actorRole, auditActor, type Actor } from "@/lib/auth/actor";
import { db, type Tx } from "@/lib/db/client";
import { accessLogLeaf } from "@/lib/transparency/leaf-data";
import { parseInput } from "@/lib/errors";
import type { AccessLog, Prisma } from "@/lib/generated/prisma/client";
import { accessLogEntrySchema, type AccessLogEntry } from "./schemas";

/**
 * Records a staff read, search or export by `actor`. Pass the transaction of the read when there
 * is one; like the ledger, a failed log write fails the request (no best-effort auditing).
 *
 * The row and its log leaf go in one statement (one round trip on every logged read): the id and
 * time are made here so the leaf can be computed before the insert. The detail is the JSON as
 * PostgreSQL will store it (parsed back from its text), so the verifier, which rebuilds the leaf
 * from the stored row, gets the same bytes.
 */
export async function appendAccessLog(entry: AccessLogEntry, actor: Actor, tx?: Tx): Promise<AccessLog> {
  const { detail, subjectId, action } = parseInput(accessLogEntrySchema, entry);
  const row: AccessLog = {
    id: randomUUID(),
    at: new Date(),
    ...auditActor(actor),
    actorRole: actorRole(actor),
    action,
    subjectId: subjectId ?? null,
    detail: JSON.parse(JSON.stringify({ ...actorChannel(actor), ...(detail ?? {}) })) as Prisma.JsonObject,
  };
  const leaf = accessLogLeaf(row);
  const write = (tx: Tx) => tx.$executeRaw`
    WITH logged AS (
      INSERT INTO "AccessLog" (id, at, actor_type, actor_id, actor_role, action, subject_id, detail)
      VALUES (${row.id}::uuid, ${row.at}::timestamptz, ${row.actorType}::"ActorType", ${row.actorId}, ${row.actorRole},
        ${row.action}, ${row.subjectId}::uuid, ${JSON.stringify(row.detail)}::jsonb)
    )
    INSERT INTO "LogQueue" (kind, row_id, data) VALUES (${leaf.kind}::"LogLeafKind", ${leaf.rowId}::uuid, ${leaf.data})`;
  // One statement is atomic on its own: no transaction of its own needed.
  await (tx ? write(tx) : write(db()));
  return row;
}
