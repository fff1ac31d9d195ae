import { createHash } from "node:crypto";

/** At most this many distinct statements are prepared on each connection; the rest stay unnamed. */
const MAX_NAMED_STATEMENTS = 256;
const names = new Map<string, string>();

/**
 * Names each distinct SQL text, so `pg` prepares it once per connection and PostgreSQL plans it
 * once (then reuses the plan, as pgbench's `-M prepared` does) instead of parsing and planning
 * every call: that was half of an append's database time (ADR 044). Bounded, because every name
 * is a prepared statement held by every connection that ran it. Returns "" for unnamed.
 */
export function statementName({ sql, args }: { sql: string; args: unknown[] }): string {
  // Without parameters pg sends the text as a simple query, which may hold several commands
  // (a prepared statement may not); those stay as they are.
  if (args.length === 0) return "";
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED_STATEMENTS) {
    name = `p_${createHash("sha256").update(sql).digest("base64url").slice(0, 24)}`;
    names.set(sql, name);
  }
  return name ?? ""; // unnamed: parsed and planned on each call
}
