// A valid ledger of N subjects made with COPY: each subject signs up (terms, analytics and
// marketing emails in one request) and later changes one decision, 4 events in all. Hashes,
// leaves and the projection are computed in Node with the portal's own functions, so
// `verifyLedger` reports it ok; every subject is findable as bench-<n>@example.com.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { computeEmailBlindIndex } from "../lib/crypto/blind-index.js";
import { emailBlindIndexKey } from "../lib/crypto/ledger-keys.js";
import {
  computeEventHash,
  CURRENT_HASH_FORMAT,
  GENESIS_HASH,
  type HashedEventColumns,
} from "../lib/ledger/event-hash.js";
import { consentEventLeaf } from "../lib/transparency/leaf-data.js";
import { copyField, psql, type BenchContext } from "./harness.js";

const EVENT_COLUMNS = [
  "id",
  "subject_id",
  "seq",
  "hash_version",
  "action",
  "purpose_id",
  "purpose_version_id",
  "purpose_text_sha256",
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
];

interface Catalog {
  purposes: Record<string, { id: string; versionId: string; textSha256: string; policyKind: string }>;
  policies: Record<string, { id: string; textSha256: string }>;
}

async function readCatalog(ownerUrl: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const purposes = await client.query<{
      key: string;
      id: string;
      version_id: string;
      text_sha256: string;
      policy_kind: string;
    }>(
      `SELECT p.key, p.id, p.policy_kind::text AS policy_kind, v.id AS version_id, v.text_sha256
       FROM "Purpose" p JOIN LATERAL (SELECT id, text_sha256 FROM "PurposeVersion" WHERE purpose_id = p.id ORDER BY version DESC LIMIT 1) v ON true`,
    );
    const policies = await client.query<{ kind: string; id: string; text_sha256: string }>(
      `SELECT DISTINCT ON (kind) kind::text AS kind, id, text_sha256 FROM "PolicyVersion" ORDER BY kind, published_at DESC`,
    );
    return {
      purposes: Object.fromEntries(
        purposes.rows.map((row) => [
          row.key,
          { id: row.id, versionId: row.version_id, textSha256: row.text_sha256, policyKind: row.policy_kind },
        ]),
      ),
      policies: Object.fromEntries(policies.rows.map((row) => [row.kind, { id: row.id, textSha256: row.text_sha256 }])),
    };
  } finally {
    await client.end();
  }
}

/** The subjects' rows for each table, as COPY text lines, one subject at a time. */
function* subjectRows(catalog: Catalog, subjects: number, firstN: number) {
  const key = emailBlindIndexKey();
  const day = 86_400_000;
  const epoch = Date.UTC(2025, 0, 1);
  const decision = (purposeKey: string, action: "granted" | "withdrawn") => {
    const purpose = catalog.purposes[purposeKey]!;
    const policy = catalog.policies[purpose.policyKind]!;
    return {
      action,
      purposeId: purpose.id,
      purposeVersionId: purpose.versionId,
      purposeTextSha256: purpose.textSha256,
      policyVersionId: policy.id,
      policyTextSha256: policy.textSha256,
    };
  };
  for (let n = firstN; n < firstN + subjects; n += 1) {
    const subjectId = randomUUID();
    const signedUp = new Date(epoch + (n % 600) * day + (n % 86_400) * 1000);
    const later = new Date(signedUp.getTime() + 30 * day + (n % 3600) * 1000);
    const signupKey = randomUUID();
    const requests = [
      {
        at: signedUp,
        key: signupKey,
        method: "signup",
        decisions: [
          decision("terms", "granted"),
          decision("analytics", "granted"),
          decision("marketing-email", "granted"),
        ],
      },
      {
        at: later,
        key: randomUUID(),
        method: n % 1000 === 0 ? "staff" : "portal",
        decisions: [n % 2 ? decision("product-research", "granted") : decision("analytics", "withdrawn")],
      },
    ];
    let seq = 0;
    let prevHash = GENESIS_HASH;
    const events: string[] = [];
    const leaves: string[] = [];
    const state = new Map<string, string>();
    for (const request of requests) {
      const staff = request.method === "staff";
      for (const draft of request.decisions) {
        seq += 1;
        const columns: HashedEventColumns = {
          ...draft,
          id: randomUUID(),
          subjectId,
          seq,
          hashVersion: CURRENT_HASH_FORMAT,
          method: request.method,
          actorType: staff ? "staff" : "self",
          actorId: staff ? "auth0|bench-staff" : `auth0|bench-${n}`,
          actorReason: staff ? "Asked by phone" : null,
          clientTime: null,
          serverTime: request.at,
          ipTruncated: "203.0.113.0",
          userAgentHash: null,
          idempotencyKey: request.key,
          requestFingerprint: request.key.replace(/-/g, "").repeat(2),
          prevHash,
        };
        const event = { ...columns, hash: computeEventHash(columns) };
        prevHash = event.hash;
        events.push(
          [
            event.id,
            subjectId,
            seq,
            event.hashVersion,
            event.action,
            event.purposeId,
            event.purposeVersionId,
            event.purposeTextSha256,
            event.policyVersionId,
            event.policyTextSha256,
            event.method,
            event.actorType,
            event.actorId,
            event.actorReason,
            null,
            event.serverTime.toISOString(),
            event.ipTruncated,
            event.userAgentHash,
            event.idempotencyKey,
            event.requestFingerprint,
            event.prevHash,
            event.hash,
          ]
            .map(copyField)
            .join("\t") + "\n",
        );
        const leaf = consentEventLeaf(event);
        leaves.push(`consent_event\t${leaf.rowId}\t${copyField(leaf.data)}\n`);
        state.set(
          draft.purposeId,
          [
            subjectId,
            draft.purposeId,
            draft.action,
            draft.policyVersionId,
            draft.purposeVersionId,
            event.id,
            seq,
            request.at.toISOString(),
          ]
            .map(copyField)
            .join("\t") + "\n",
        );
      }
    }
    const subject =
      [
        subjectId,
        `auth0|bench-${n}`,
        computeEmailBlindIndex(key, `bench-${n}@example.com`),
        seq,
        prevHash,
        signedUp.toISOString(),
      ]
        .map(copyField)
        .join("\t") + "\n";
    yield { subject, events, states: [...state.values()], leaves };
  }
}

/** Yields one table's lines from the generator in chunks (COPY reads them from stdin). */
function* chunks(lines: Iterable<string>): Generator<string> {
  let chunk = "";
  for (const line of lines) {
    chunk += line;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/**
 * Adds `subjects` subjects (numbered from `firstN`) with valid chains, their consent state and
 * their leaves queued for the transparency log. Returns how long it took.
 */
export async function generateLedger(ctx: BenchContext, subjects: number, firstN = 0): Promise<number> {
  const started = performance.now();
  const catalog = await readCatalog(ctx.ownerUrl);
  // Subjects first (the FKs), then events, state and leaves; rows are regenerated per table from
  // one seeded pass kept in memory per 50k subjects, so memory stays bounded.
  for (let start = 0; start < subjects; start += 50_000) {
    const rows = [...subjectRows(catalog, Math.min(50_000, subjects - start), firstN + start)];
    await psql(
      ctx,
      ctx.ownerUrl,
      `\\copy "Subject" (id, auth0_user_id, email_blind_index, last_seq, last_hash, created_at) FROM STDIN`,
      chunks(rows.map((row) => row.subject)),
    );
    await psql(
      ctx,
      ctx.ownerUrl,
      `\\copy "ConsentEvent" (${EVENT_COLUMNS.join(", ")}) FROM STDIN`,
      chunks(rows.flatMap((row) => row.events)),
    );
    await psql(
      ctx,
      ctx.ownerUrl,
      `\\copy "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at) FROM STDIN`,
      chunks(rows.flatMap((row) => row.states)),
    );
    await psql(
      ctx,
      ctx.ownerUrl,
      `\\copy "LogQueue" (kind, row_id, data) FROM STDIN`,
      chunks(rows.flatMap((row) => row.leaves)),
    );
  }
  await psql(ctx, ctx.ownerUrl, `VACUUM ANALYZE`);
  return (performance.now() - started) / 1000;
}
