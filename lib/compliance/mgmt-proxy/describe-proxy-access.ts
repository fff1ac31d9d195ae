import "server-only";
import lucene, { type AST, type Node } from "lucene";
import { computeEmailBlindIndex } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import type { Tx } from "@/lib/db/client";

/** The field names a Lucene query uses (`_exists_` included), or null when it does not parse. */
function queryFields(q: string): string[] | null {
  let ast: AST;
  try {
    ast = lucene.parse(q);
  } catch {
    return null;
  }
  const fields = new Set<string>();
  const visit = (node: AST | Node | undefined) => {
    if (!node) return;
    // `-field:value` and `!field:value` negate: the parser keeps the sign on the field name.
    if ("field" in node && node.field && node.field !== "<implicit>") fields.add(node.field.replace(/^[-!+]/, ""));
    if ("left" in node) visit(node.left);
    if ("right" in node) visit(node.right);
  };
  visit(ast);
  return [...fields].sort();
}

/** What the access log keeps of a search query: which fields it used and a keyed hash, never its text. */
export function describeSearch(query: Record<string, string>): Record<string, unknown> {
  const { q, ...rest } = query;
  if (!q) return { query: rest };
  // A query Lucene cannot parse reaches Auth0 all the same (which refuses it); its fields are unknown.
  return { query: rest, q: { fields: queryFields(q) ?? [], hash: computeEmailBlindIndex(emailBlindIndexKey(), q) } };
}

/** Auth0 user ids in a users response (a list, or `{ users }` with include_totals). */
export function userIdsIn(body: unknown): string[] {
  const list = Array.isArray(body) ? body : ((body as { users?: unknown } | null)?.users ?? (body ? [body] : []));
  if (!Array.isArray(list)) return [];
  return list.flatMap((user) => {
    const id = (user as { user_id?: unknown } | null)?.user_id;
    return typeof id === "string" ? [id] : [];
  });
}

export function countResults(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  const users = (body as { users?: unknown } | null)?.users;
  return Array.isArray(users) ? users.length : body ? 1 : 0;
}

/** The ledger subjects of these Auth0 users (those the ledger knows). */
export async function subjectIdsFor(auth0UserIds: string[], tx: Tx): Promise<string[]> {
  if (auth0UserIds.length === 0) return [];
  const rows = await tx.subject.findMany({ where: { auth0UserId: { in: auth0UserIds } }, select: { id: true } });
  return rows.map((row) => row.id);
}
