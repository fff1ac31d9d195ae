// The portal's two database roles (docs/decisions/024-two-database-roles.md): an owner that
// owns the schema and runs the migrations, and a login for the portal that is a member of the
// privilege group `consent_app` and owns nothing. Used by the embedded PostgreSQL and the tests;
// on a managed PostgreSQL the DBA runs the README's SQL instead.
import pg from "pg";

export const ROLES = {
  /** Owns the database and every object in it; runs the migrations. */
  owner: "consent_owner",
  /** The portal's login: a member of `consent_app`, owns nothing. */
  app: "consent_portal",
  /** NOLOGIN group holding the portal's privileges (GRANTed table by table by the migrations). */
  group: "consent_app",
} as const;

export interface RolePasswords {
  owner: string;
  app: string;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** `url` with another user, password and/or database. */
export function databaseUrl(url: string, change: { user?: string; password?: string; database?: string }): string {
  const result = new URL(url);
  if (change.user !== undefined) result.username = encodeURIComponent(change.user);
  if (change.password !== undefined) result.password = encodeURIComponent(change.password);
  if (change.database !== undefined) result.pathname = `/${encodeURIComponent(change.database)}`;
  return result.toString();
}

/**
 * Creates the three roles, or brings existing ones back to what they should be: the logins get
 * the passwords given (so the data directory's secrets file always opens them), no role gets
 * any attribute beyond LOGIN. Run as a superuser; idempotent.
 */
export async function provisionRoles(superuser: pg.Client, passwords: RolePasswords): Promise<void> {
  const ensure = async (name: string, options: string) => {
    const { rowCount } = await superuser.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
    await superuser.query(`${rowCount ? "ALTER" : "CREATE"} ROLE ${ident(name)} WITH ${options}`);
  };
  const restricted = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
  await ensure(ROLES.group, `NOLOGIN ${restricted}`);
  await ensure(ROLES.owner, `LOGIN ${restricted} PASSWORD ${superuser.escapeLiteral(passwords.owner)}`);
  await ensure(ROLES.app, `LOGIN ${restricted} PASSWORD ${superuser.escapeLiteral(passwords.app)}`);
  await superuser.query(`GRANT ${ident(ROLES.group)} TO ${ident(ROLES.app)}`);
}

/**
 * Makes `database` (created if missing, optionally from a template) belong to the owner role,
 * with no temporary objects for anyone else: `CREATE FUNCTION pg_temp.f` would otherwise let
 * the portal's role shadow a function for its own session. Database-level privileges are not
 * copied from a template, so every database gets this, not only the migrated one.
 */
export async function prepareDatabase(
  superuser: pg.Client,
  database: string,
  options: { template?: string } = {},
): Promise<void> {
  const { rowCount } = await superuser.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  if (rowCount) {
    await superuser.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(ROLES.owner)}`);
  } else {
    const template = options.template ? ` TEMPLATE ${ident(options.template)}` : "";
    await superuser.query(`CREATE DATABASE ${ident(database)}${template} OWNER ${ident(ROLES.owner)}`);
  }
  await superuser.query(`REVOKE TEMPORARY ON DATABASE ${ident(database)} FROM PUBLIC`);
}

/**
 * Data directories from before the two roles had every table, type and function owned by the
 * superuser: hand them to the owner role (the superuser owns the system catalogs, so
 * `REASSIGN OWNED` would refuse). `superuser` is connected to the portal's database. Returns
 * how many objects changed hands.
 */
export async function adoptSuperuserObjects(superuser: pg.Client): Promise<number> {
  const { rows } = await superuser.query<{ statement: string }>(
    `SELECT format('ALTER %s %s OWNER TO %I', kind, name, $1::text) AS statement FROM (
       SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                ELSE 'TABLE' END AS kind, c.oid::regclass::text AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_roles r ON r.oid = c.relowner
       WHERE n.nspname = 'public' AND r.rolsuper AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
       UNION ALL
       SELECT 'TYPE', t.oid::regtype::text
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       JOIN pg_roles r ON r.oid = t.typowner
       WHERE n.nspname = 'public' AND r.rolsuper AND t.typtype IN ('e', 'd')
       UNION ALL
       SELECT 'ROUTINE', p.oid::regprocedure::text
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_roles r ON r.oid = p.proowner
       WHERE n.nspname = 'public' AND r.rolsuper
     ) AS owned ORDER BY kind, name`,
    [ROLES.owner],
  );
  if (rows.length === 0) return 0;
  await superuser.query("BEGIN");
  try {
    for (const { statement } of rows) await superuser.query(statement);
    await superuser.query("COMMIT");
  } catch (error) {
    await superuser.query("ROLLBACK");
    throw error;
  }
  return rows.length;
}

/**
 * Why the portal's role (the login of `url`) could undo the database's guarantees, or undefined
 * when it cannot: a superuser, or the owner (or a member of the owner) of anything in the schema.
 */
export async function privilegedPortalRoleWarning(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ role: string; superuser: boolean; owned: number }>(
      `SELECT current_user AS role, r.rolsuper AS superuser,
              (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const { role, superuser, owned } = rows[0]!;
    if (!superuser && owned === 0) return undefined;
    return [
      `⚠ The portal's database role "${role}" ${superuser ? "is a superuser" : `owns ${owned} tables, indexes or sequences`}:`,
      "  it could switch off the ledger's append-only triggers and rewrite the evidence.",
      `  Point DATABASE_URL at a login that is a member of ${ROLES.group} and owns nothing, and`,
      '  DATABASE_OWNER_URL at the owner role (README, "Database roles").',
    ].join("\n");
  } finally {
    await client.end();
  }
}
