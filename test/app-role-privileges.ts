// What the portal's database role may do, table by table (docs/decisions/024-two-database-roles.md),
// and the check that the database grants exactly that. A migration that adds a table GRANTs
// the portal's privileges on it; add the table here too, or the privileges test names it.
import pg from "pg";
import { expect } from "vitest";
import { ROLES } from "@/scripts/db/database-roles";

type TablePrivilege = "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE" | "REFERENCES" | "TRIGGER" | "USAGE";

interface Privileges {
  /** Privileges on the whole table. */
  table: TablePrivilege[];
  /** Columns the portal may UPDATE (column-level GRANTs), when it may not update the whole row. */
  update?: string[];
}

const READ_APPEND: Privileges = { table: ["SELECT", "INSERT"] };

const APP_ROLE_PRIVILEGES: Record<string, Privileges> = {
  // Evidence: read and append only.
  ConsentEvent: READ_APPEND,
  AccessLog: READ_APPEND,
  AdminChange: READ_APPEND,
  PolicyVersion: READ_APPEND,
  PurposeVersion: READ_APPEND,
  Subject: {
    table: ["SELECT", "INSERT"],
    update: [
      "auth0_user_id",
      "email_blind_index",
      "email_verified_at",
      "erased_at",
      "last_hash",
      "last_seq",
      "profile_ciphertext",
      "wrapped_key",
    ],
  },
  ConsentState: {
    table: ["SELECT", "INSERT", "DELETE"],
    update: ["event_id", "policy_version_id", "purpose_version_id", "seq", "status", "updated_at"],
  },
  OutboxMessage: {
    table: ["SELECT", "INSERT"],
    update: ["attempts", "auth0_user_id", "delivered_at", "last_error", "locked_until", "next_attempt_at", "status"],
  },
  Purpose: {
    table: ["SELECT", "INSERT", "DELETE"],
    update: ["description", "position", "required", "requires_verified_email", "retired_at", "title", "updated_at"],
  },
  Setting: { table: ["SELECT", "INSERT"], update: ["updated_at", "value"] },
  StaffApiToken: { table: ["SELECT", "INSERT"], update: ["last_used_at", "revoked_at"] },
  PolicyDraft: {
    table: ["SELECT", "INSERT", "DELETE"],
    update: ["kind", "text", "title", "updated_at", "updated_by", "url", "version"],
  },
  ExportJob: {
    table: ["SELECT", "INSERT", "DELETE"],
    update: [
      "auth0_job_id",
      "error",
      "finished_at",
      "locked_until",
      "rows_written",
      "started_at",
      "status",
      "total_rows",
    ],
  },
  ExportJobChunk: { table: ["SELECT", "INSERT", "DELETE"] },
  // The consent API (ADR 033).
  ApiClient: { table: ["SELECT", "INSERT"], update: ["revoked_at", "revoked_by"] },
  // Purged after API_IDEMPOTENCY_RETENTION_DAYS.
  ApiIdempotencyKey: { table: ["SELECT", "INSERT", "DELETE"], update: ["response", "status"] },
  ApiExternalId: { table: ["SELECT", "INSERT", "DELETE"] },
  WebhookEndpoint: {
    table: ["SELECT", "INSERT"],
    update: [
      "consecutive_failures",
      "disabled_at",
      "disabled_reason",
      "failing_since",
      "previous_secret_expires_at",
      "previous_secret_sealed",
      "secret_sealed",
    ],
  },
  // Finished deliveries are purged after WEBHOOK_DELIVERY_RETENTION_DAYS.
  WebhookDelivery: {
    table: ["SELECT", "INSERT", "DELETE"],
    update: [
      "attempts",
      "delivered_at",
      "last_attempt_at",
      "last_error",
      "last_status_code",
      "locked_until",
      "next_attempt_at",
      "status",
    ],
  },
  // nextval() for the delivery order (ADR 034).
  WebhookDelivery_seq_seq: { table: ["USAGE"] },
  _prisma_migrations: { table: [] },
  // Transparency log (ADR 028): the queue is emptied by the sequencer; tiles grow in place.
  LogQueue: { table: ["SELECT", "INSERT", "DELETE"] },
  // nextval() for the queue's id (a sequence: USAGE, not SELECT or UPDATE).
  LogQueue_id_seq: { table: ["USAGE"] },
  LogLeaf: READ_APPEND,
  LogTile: { table: ["SELECT", "INSERT"], update: ["hashes"] },
  LogCheckpoint: READ_APPEND,
  LogCosignature: READ_APPEND,
  // Sessions (ADR 035): not evidence; created, touched and deleted.
  PortalSession: { table: ["SELECT", "INSERT", "DELETE"], update: ["data", "last_seen_at"] },
  // The staff directory beside the evidence (ADR 041): written at sign-in, deleted on erasure.
  StaffDirectoryEntry: { table: ["SELECT", "INSERT", "DELETE"], update: ["email", "updated_at"] },
  // rate-limiter-flexible's store: the library upserts and clears expired keys.
  RateLimit: { table: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
};

const TABLE_PRIVILEGES: TablePrivilege[] = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "TRUNCATE",
  "REFERENCES",
  "TRIGGER",
];

interface GrantedPrivileges {
  table: string[];
  /** Column-level grants beyond the table-level ones, by privilege. */
  columns: Record<string, string[]>;
}

/** Every relation in the schema, with what `role` may do on it (inherited privileges included). */
async function readPrivileges(client: pg.Client, role: string): Promise<Map<string, GrantedPrivileges>> {
  const relations = await client.query<{ name: string; privileges: string[] | null }>(
    `SELECT c.relname AS name,
            array_agg(p.privilege ORDER BY p.ord) FILTER (WHERE CASE c.relkind
              WHEN 'S' THEN has_sequence_privilege($1, c.oid, p.privilege)
              ELSE has_table_privilege($1, c.oid, p.privilege) END) AS privileges
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL unnest(CASE c.relkind WHEN 'S' THEN ARRAY['USAGE', 'SELECT', 'UPDATE'] ELSE $2::text[] END)
       WITH ORDINALITY AS p(privilege, ord)
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
     GROUP BY c.relname`,
    [role, TABLE_PRIVILEGES],
  );
  const columns = await client.query<{ name: string; privilege: string; columns: string[] }>(
    `SELECT c.relname AS name, p.privilege, array_agg(a.attname::text) AS columns
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) AS p(privilege)
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND has_column_privilege($1, c.oid, a.attnum, p.privilege) AND NOT has_table_privilege($1, c.oid, p.privilege)
     GROUP BY c.relname, p.privilege`,
    [role],
  );
  const result = new Map<string, GrantedPrivileges>();
  for (const row of relations.rows) result.set(row.name, { table: row.privileges ?? [], columns: {} });
  for (const row of columns.rows) result.get(row.name)!.columns[row.privilege] = [...row.columns].sort();
  return result;
}

/**
 * Checks, for the login of `url`, that the privileges on every table are exactly those of
 * APP_ROLE_PRIVILEGES, and that the login cannot create or own anything.
 */
export async function expectAppRolePrivileges(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const {
      rows: [login],
    } = await client.query<{
      role: string;
      member: boolean;
      attributes: boolean[];
      owned: number;
      createInSchema: boolean;
      createInDatabase: boolean;
      temporary: boolean;
      serverPrograms: boolean;
    }>(
      `SELECT current_user AS role, pg_has_role(current_user, $1, 'MEMBER') AS member,
              ARRAY[r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls] AS attributes,
              (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE'))
              + (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND pg_has_role(current_user, p.proowner, 'USAGE'))
              + (SELECT count(*)::int FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = 'public' AND pg_has_role(current_user, t.typowner, 'USAGE'))
              + (SELECT count(*)::int FROM pg_namespace n WHERE pg_has_role(current_user, n.nspowner, 'USAGE')
                AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema') AS owned,
              has_schema_privilege('public', 'CREATE') AS "createInSchema",
              has_database_privilege(current_database(), 'CREATE') AS "createInDatabase",
              has_database_privilege(current_database(), 'TEMPORARY') AS temporary,
              pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS "serverPrograms"
       FROM pg_roles r WHERE r.rolname = current_user`,
      [ROLES.group],
    );
    expect(login, `the portal's login (${login!.role})`).toEqual({
      role: login!.role,
      member: true,
      attributes: [false, false, false, false, false],
      owned: 0,
      createInSchema: false,
      createInDatabase: false,
      temporary: false,
      serverPrograms: false,
    });

    const granted = await readPrivileges(client, login!.role);
    const unlisted = [...granted.keys()].filter((table) => !(table in APP_ROLE_PRIVILEGES)).sort();
    expect(
      unlisted,
      "Tables with no entry in APP_ROLE_PRIVILEGES (test/app-role-privileges.ts): add each with the least the " +
        "portal needs, and GRANT exactly that to consent_app in the migration that creates the table",
    ).toEqual([]);
    const gone = Object.keys(APP_ROLE_PRIVILEGES).filter((table) => !granted.has(table));
    expect(gone, "APP_ROLE_PRIVILEGES lists tables the database does not have").toEqual([]);
    for (const [table, expected] of Object.entries(APP_ROLE_PRIVILEGES)) {
      const actual = granted.get(table)!;
      expect(
        { table: [...actual.table].sort(), columns: actual.columns },
        `privileges of ${login!.role} on "${table}"`,
      ).toEqual({
        table: [...expected.table].sort(),
        columns: expected.update ? { UPDATE: [...expected.update].sort() } : {},
      });
    }
  } finally {
    await client.end();
  }
}
