import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { databaseUrl } from "@/scripts/db/database-roles";
import { MIGRATIONS_DIR, migrate, readMigrations } from "@/scripts/db/migrate";
import { createEmptyDatabase } from "@/test/database";
import { purposeTextSha256 } from "@/lib/policies/purpose-text-hash";
import { ChainChecker, computeEventHash, GENESIS_HASH, type HashedEventColumns } from "./event-hash";

const PURPOSE_VERSIONS_MIGRATION = "20261127020000_purpose_versions";

/**
 * A database as it was before purpose versions: migrated up to (not including) the purpose
 * versions migration, with a subject whose chain holds one format-1 event.
 */
let url: string;
let client: pg.Client;
const ids = { subject: randomUUID(), purpose: randomUUID(), policy: randomUUID(), event: randomUUID() };
let formatOne: HashedEventColumns & { hash: string };

async function migrateUpTo(databaseUrl: string, before: string) {
  const dir = mkdtempSync(join(tmpdir(), "migrations-before-"));
  try {
    for (const migration of await readMigrations()) {
      if (migration.name >= before) continue;
      cpSync(join(MIGRATIONS_DIR, migration.name), join(dir, migration.name), { recursive: true });
    }
    await migrate(databaseUrl, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every event of the subject as the verifier reads it. */
async function chainOf(subjectId: string) {
  const { rows } = await client.query<HashedEventColumns & { hash: string }>(
    `SELECT id, subject_id AS "subjectId", seq, hash_version AS "hashVersion", action::text AS action,
       purpose_id AS "purposeId", purpose_version_id AS "purposeVersionId", purpose_text_sha256 AS "purposeTextSha256",
       policy_version_id AS "policyVersionId", policy_text_sha256 AS "policyTextSha256", method::text AS method,
       actor_type::text AS "actorType", actor_id AS "actorId", actor_reason AS "actorReason", client_time AS "clientTime",
       server_time AS "serverTime", ip_truncated AS "ipTruncated", user_agent_hash AS "userAgentHash",
       idempotency_key AS "idempotencyKey", request_fingerprint AS "requestFingerprint", prev_hash AS "prevHash", hash
     FROM "ConsentEvent" WHERE subject_id = $1 ORDER BY seq`,
    [subjectId],
  );
  return rows;
}

function verify(events: Array<HashedEventColumns & { hash: string }>) {
  const checker = new ChainChecker(ids.subject);
  for (const event of events) checker.add(event);
  return checker.finish({ lastSeq: events.length, lastHash: events.at(-1)?.hash ?? null });
}

beforeAll(async () => {
  // As the owner, who runs migrations: the test plays the part of a deployment being upgraded.
  url = databaseUrl(inject("ownerUrl"), { database: await createEmptyDatabase(inject("postgresAdminUrl")) });
  await migrateUpTo(url, PURPOSE_VERSIONS_MIGRATION);
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `INSERT INTO "Purpose" (id, key, title, description, policy_kind) VALUES ($1, 'news', 'News', 'Send me "news".', 'privacy')`,
    [ids.purpose],
  );
  await client.query(
    `INSERT INTO "PolicyVersion" (id, kind, version, title, url, text, text_sha256)
     VALUES ($1, 'privacy', '1', 'Privacy', '/p', 'Text', encode(sha256('Text'), 'hex'))`,
    [ids.policy],
  );
  // The event exactly as the code before purpose versions wrote it: hash format 1.
  const columns = {
    id: ids.event,
    subjectId: ids.subject,
    seq: 1,
    hashVersion: 1,
    action: "granted",
    purposeId: ids.purpose,
    purposeVersionId: null,
    purposeTextSha256: null,
    policyVersionId: ids.policy,
    policyTextSha256: null,
    method: "portal",
    actorType: "self",
    actorId: null,
    actorReason: null,
    clientTime: null,
    serverTime: new Date("2026-11-24T09:00:00.000Z"),
    ipTruncated: null,
    userAgentHash: null,
    idempotencyKey: "before-versions",
    requestFingerprint: "f".repeat(64),
    prevHash: GENESIS_HASH,
  };
  formatOne = { ...columns, hash: computeEventHash(columns) };
  await client.query(`INSERT INTO "Subject" (id, last_seq, last_hash) VALUES ($1, 1, $2)`, [
    ids.subject,
    formatOne.hash,
  ]);
  await client.query(
    `INSERT INTO "ConsentEvent" (id, subject_id, seq, action, purpose_id, policy_version_id, method, actor_type,
       server_time, idempotency_key, request_fingerprint, prev_hash, hash)
     VALUES ($1, $2, 1, 'granted', $3, $4, 'portal', 'self', $5, 'before-versions', $6, $7, $8)`,
    [
      ids.event,
      ids.subject,
      ids.purpose,
      ids.policy,
      columns.serverTime,
      columns.requestFingerprint,
      GENESIS_HASH,
      formatOne.hash,
    ],
  );
  await migrate(url);
});

afterAll(async () => {
  await client?.end();
});

describe("hash formats across the purpose versions migration", () => {
  it("gives every existing purpose a version 1 and leaves old events untouched, still verifying", async () => {
    const { rows: versions } = await client.query<{ version: number; text_sha256: string; required: boolean }>(
      `SELECT version, text_sha256, required FROM "PurposeVersion" WHERE purpose_id = $1`,
      [ids.purpose],
    );
    expect(versions).toEqual([
      {
        version: 1,
        text_sha256: purposeTextSha256({ title: "News", description: 'Send me "news".' }),
        required: false,
      },
    ]);
    const [event] = await chainOf(ids.subject);
    expect(event).toMatchObject({
      hashVersion: 1,
      purposeVersionId: null,
      purposeTextSha256: null,
      hash: formatOne.hash,
    });
    expect(verify([event!])).toBeNull();
  });

  it("verifies a chain of format-1 events followed by format-2 events, and catches edits to either", async () => {
    const { rows } = await client.query<{ id: string; text_sha256: string }>(
      `SELECT id, text_sha256 FROM "PurposeVersion" WHERE purpose_id = $1 AND version = 1`,
      [ids.purpose],
    );
    const wording = rows[0]!;
    const columns = {
      ...formatOne,
      id: randomUUID(),
      seq: 2,
      hashVersion: 2,
      action: "withdrawn",
      purposeVersionId: wording.id,
      purposeTextSha256: wording.text_sha256,
      serverTime: new Date("2026-11-28T09:00:00.000Z"),
      idempotencyKey: "after-versions",
      prevHash: formatOne.hash,
    };
    const formatTwo = { ...columns, hash: computeEventHash(columns) };
    await client.query(
      `INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id,
         purpose_text_sha256, policy_version_id, method, actor_type, server_time, idempotency_key, request_fingerprint,
         prev_hash, hash)
       VALUES ($1, $2, 2, 2, 'withdrawn', $3, $4, $5, $6, 'portal', 'self', $7, 'after-versions', $8, $9, $10)`,
      [
        formatTwo.id,
        ids.subject,
        ids.purpose,
        wording.id,
        wording.text_sha256,
        ids.policy,
        formatTwo.serverTime,
        formatTwo.requestFingerprint,
        formatOne.hash,
        formatTwo.hash,
      ],
    );
    const chain = await chainOf(ids.subject);
    expect(chain.map((event) => event.hashVersion)).toEqual([1, 2]);
    expect(verify(chain)).toBeNull();

    // A format-2 event stripped of its wording, or passed off as format 1, no longer verifies.
    expect(
      verify([chain[0]!, { ...chain[1]!, ...{ hashVersion: 1, purposeVersionId: null, purposeTextSha256: null } }]),
    ).toMatchObject({ seq: 2, reason: "hash_mismatch" });
    expect(verify([chain[0]!, { ...chain[1]!, purposeTextSha256: "0".repeat(64) }])).toMatchObject({
      seq: 2,
      reason: "hash_mismatch",
    });
    // A format-1 event given a wording it never recorded is refused by the database itself.
    await expect(
      client.query(
        `INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id,
           purpose_text_sha256, method, actor_type, server_time, idempotency_key, request_fingerprint, prev_hash, hash)
         VALUES ($1, $2, 3, 1, 'granted', $3, $4, $5, 'portal', 'self', now(), 'x', 'x', $6, $7)`,
        [randomUUID(), ids.subject, ids.purpose, wording.id, wording.text_sha256, formatTwo.hash, "a".repeat(64)],
      ),
    ).rejects.toThrow(/ConsentEvent_hash_version_check/);
  });
});
