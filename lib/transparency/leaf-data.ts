import canonicalize from "canonicalize";
import { canonicalEventJson, type HashedEventColumns } from "@/lib/ledger/event-hash";

/** What a leaf stands for: one row of the three evidence tables. */
type LeafKind = "consent_event" | "access_log" | "admin_change";

export interface Leaf {
  kind: LeafKind;
  rowId: string;
  /** RFC 8785 JSON of the row's hashed fields and its kind: the bytes the Merkle leaf hashes. */
  data: string;
}

interface AccessLogColumns {
  id: string;
  at: Date;
  actorType: string;
  actorId: string;
  actorRole: string;
  action: string;
  subjectId: string | null;
  detail: unknown;
}

interface AdminChangeColumns {
  id: string;
  at: Date;
  actorType: string;
  actorId: string;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("Leaf data cannot be canonicalized");
  return text;
}

/**
 * A consent event's leaf: the very object its chain hash covers, plus the chain link, so anyone
 * holding the leaf can recompute `hash = sha256(prevHash || JCS(fields))` (ADR 028). It is
 * `canonicalize({ type, fields, prevHash, hash })` written out in RFC 8785 key order around the
 * fixed-field encoder's JSON (ADR 031), which a verifier that has just hashed the event passes
 * in (`fieldsJson`); event-hash.test.ts checks the two agree on random events.
 */
export function consentEventLeaf(event: HashedEventColumns & { hash: string }, fieldsJson?: string): Leaf {
  return {
    kind: "consent_event",
    rowId: event.id,
    data:
      `{"fields":${fieldsJson ?? canonicalEventJson(event)},"hash":${JSON.stringify(event.hash)},` +
      `"prevHash":${JSON.stringify(event.prevHash)},"type":"consent_event"}`,
  };
}

export function accessLogLeaf(row: AccessLogColumns): Leaf {
  return {
    kind: "access_log",
    rowId: row.id,
    data: canonical({
      type: "access_log",
      id: row.id,
      at: row.at.toISOString(),
      actorType: row.actorType,
      actorId: row.actorId,
      actorRole: row.actorRole,
      action: row.action,
      subjectId: row.subjectId,
      detail: row.detail ?? null,
    }),
  };
}

export function adminChangeLeaf(row: AdminChangeColumns): Leaf {
  return {
    kind: "admin_change",
    rowId: row.id,
    data: canonical({
      type: "admin_change",
      id: row.id,
      at: row.at.toISOString(),
      actorType: row.actorType,
      actorId: row.actorId,
      action: row.action,
      target: row.target,
      before: row.before ?? null,
      after: row.after ?? null,
    }),
  };
}
