import { toBound, type ExportRequest, type LedgerDataset } from "./schemas";

/** Timestamps exactly as `Date#toISOString()` writes them, which is what the event hash covers. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Columns of each export, in order. Neither carries an email address or the Auth0 user id:
 * rows name the pseudonymous subject id only (ADR 019). The events export carries every column
 * the hash chain covers, so anyone can recompute each `hash` from the file. A purpose's title and
 * version are those of the wording the person was shown (ADR 025), not the purpose's current one.
 */
export const EXPORT_COLUMNS: Record<LedgerDataset, readonly string[]> = {
  consent_state: [
    "subject_id",
    "purpose",
    "purpose_title",
    "purpose_version",
    "purpose_text_sha256",
    "purpose_required",
    "purpose_retired",
    "status",
    "policy_kind",
    "policy_version",
    "policy_version_id",
    "policy_text_sha256",
    "decided_at",
    "event_id",
    "seq",
    "subject_erased",
  ],
  consent_events: [
    "event_id",
    "subject_id",
    "seq",
    "hash_version",
    "action",
    "purpose",
    "purpose_id",
    "purpose_title",
    "purpose_version",
    "purpose_version_id",
    "purpose_text_sha256",
    "policy_kind",
    "policy_version",
    "policy_version_id",
    "policy_text_sha256",
    "method",
    "actor_type",
    "actor_id",
    "actor_reason",
    "client_time",
    "server_time",
    "ip_truncated",
    "user_agent_hash",
    "idempotency_key",
    "request_fingerprint",
    "prev_hash",
    "hash",
  ],
};

/**
 * Joins `pw`, the wording a row was decided under: the version it names, else (hash format 1,
 * recorded before purpose versions) the purpose's version 1 — the rule of `wordingOf` in SQL.
 */
const joinWording = (table: string) =>
  `LEFT JOIN "PurposeVersion" v1 ON ${table}.purpose_version_id IS NULL AND v1.purpose_id = ${table}.purpose_id
      AND v1.version = 1
    LEFT JOIN "PurposeVersion" pw ON pw.id = COALESCE(${table}.purpose_version_id, v1.id)`;

const SELECT: Record<LedgerDataset, string> = {
  consent_state: `SELECT st.subject_id::text AS subject_id, p.key AS purpose, pw.title AS purpose_title,
      pw.version AS purpose_version, pw.text_sha256 AS purpose_text_sha256, p.required AS purpose_required, (p.retired_at IS NOT NULL) AS purpose_retired, st.status::text AS status,
      p.policy_kind::text AS policy_kind, pv.version AS policy_version, st.policy_version_id::text AS policy_version_id,
      pv.text_sha256 AS policy_text_sha256, ${iso("st.updated_at")} AS decided_at, st.event_id::text AS event_id,
      st.seq, (s.erased_at IS NOT NULL) AS subject_erased
    FROM "ConsentState" st
    JOIN "Purpose" p ON p.id = st.purpose_id
    JOIN "Subject" s ON s.id = st.subject_id
    LEFT JOIN "PolicyVersion" pv ON pv.id = st.policy_version_id
    ${joinWording("st")}`,
  consent_events: `SELECT e.id::text AS event_id, e.subject_id::text AS subject_id, e.seq, e.hash_version,
      e.action::text AS action, p.key AS purpose, e.purpose_id::text AS purpose_id, pw.title AS purpose_title,
      pw.version AS purpose_version, e.purpose_version_id::text AS purpose_version_id, e.purpose_text_sha256, pv.kind::text AS policy_kind, pv.version AS policy_version,
      e.policy_version_id::text AS policy_version_id, e.policy_text_sha256, e.method::text AS method,
      e.actor_type::text AS actor_type, e.actor_id, e.actor_reason, ${iso("e.client_time")} AS client_time,
      ${iso("e.server_time")} AS server_time, e.ip_truncated, e.user_agent_hash, e.idempotency_key,
      e.request_fingerprint, e.prev_hash, e.hash
    FROM "ConsentEvent" e
    LEFT JOIN "Purpose" p ON p.id = e.purpose_id
    LEFT JOIN "PolicyVersion" pv ON pv.id = e.policy_version_id
    ${joinWording("e")}`,
};

const COUNT: Record<LedgerDataset, string> = {
  consent_state: `SELECT count(*)::int AS count FROM "ConsentState" st`,
  consent_events: `SELECT count(*)::int AS count FROM "ConsentEvent" e`,
};

// A stable order, so the same filters give the same file, that PostgreSQL can read from an index
// instead of sorting millions of rows. Events come chain by chain (subject, then seq), so a
// verifier can check every prev_hash → hash link in one pass over the file.
const ORDER: Record<LedgerDataset, string> = {
  consent_state: "ORDER BY st.updated_at, st.subject_id, st.purpose_id",
  consent_events: "ORDER BY e.subject_id, e.seq",
};

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** The WHERE clause of a request, with numbered parameters. */
function whereClause(request: ExportRequest): SqlQuery {
  const state = request.dataset === "consent_state";
  const conditions: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (request.purpose) {
    conditions.push(
      `${state ? "st" : "e"}.purpose_id = (SELECT id FROM "Purpose" WHERE key = ${param(request.purpose)})`,
    );
  }
  if (request.state) {
    conditions.push(
      state
        ? `st.status = ${param(request.state)}::"ConsentStatus"`
        : `e.action = ${param(request.state)}::"ConsentAction"`,
    );
  }
  if (request.version) conditions.push(`${state ? "st" : "e"}.policy_version_id = ${param(request.version)}::uuid`);
  const time = state ? "st.updated_at" : "e.server_time";
  if (request.from) conditions.push(`${time} >= ${param(toBound(request.from, "from"))}`);
  if (request.to) conditions.push(`${time} <= ${param(toBound(request.to, "to"))}`);
  return { text: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", values };
}

/** The rows of an export, in a stable order. */
export function buildExportQuery(request: ExportRequest): SqlQuery {
  const where = whereClause(request);
  return { text: `${SELECT[request.dataset]} ${where.text} ${ORDER[request.dataset]}`, values: where.values };
}

/** How many rows the export will have. */
export function buildCountQuery(request: ExportRequest): SqlQuery {
  const where = whereClause(request);
  return { text: `${COUNT[request.dataset]} ${where.text}`, values: where.values };
}
