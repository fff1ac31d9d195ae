import lucene, { type AST, type Node, type NodeRangedTerm, type NodeTerm } from "lucene";
import { ManagementApiError } from "./errors.js";
import type { Auth0User } from "./user-profile.js";

/**
 * The subset of Auth0's user search (v3) query syntax the emulator understands. Parsing is
 * done by the `lucene` package (a PEG grammar for Lucene query strings); this module gives the
 * parsed tree Auth0's meaning, as documented in "User Search Query Syntax":
 * - `field:value` is an exact match; `field:"a phrase"` likewise; nested paths such as
 *   `user_metadata.consent.given:true` walk objects, and arrays are looked through
 *   (`user_metadata.addresses.city:"Paris"`);
 * - values of the normalized fields (email, name, given_name, family_name, nickname) match
 *   case-insensitively; every other field, metadata included, is case-sensitive;
 * - `AND`, `OR`, `NOT` (capitalized), parentheses, `-field:value`;
 * - `*`/`?` wildcards and `[a TO b]`/`{a TO b}` ranges, but not on user_metadata fields
 *   (Auth0 does not support either there);
 * - `_exists_:field`; a term without a field matches the normalized fields and user_id only
 *   (Auth0: "a term without a field name will not match text in the user metadata fields").
 * Juxtaposed terms without an operator are OR-ed (Lucene's default operator).
 * Regex and fuzzy terms are rejected with a 400 rather than silently mis-evaluated.
 */

type Predicate = (user: Auth0User) => boolean;

const NORMALIZED_FIELDS = new Set(["email", "name", "given_name", "family_name", "nickname", "email.domain"]);
const IMPLICIT_FIELDS = ["email", "name", "given_name", "family_name", "nickname", "user_id"];

function queryError(detail: string): ManagementApiError {
  return new ManagementApiError(
    400,
    `Query validation error: '${detail}' on property q (Query in Lucene query string syntax).`,
    "invalid_query_string",
  );
}

/** Every leaf value at `path`, looking through arrays at any level. */
export function valuesAtPath(record: unknown, path: string): unknown[] {
  let current: unknown[] = [record];
  for (const segment of path.split(".")) {
    const next: unknown[] = [];
    for (const value of current) {
      const items: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
      for (const item of items) {
        if (item !== null && typeof item === "object" && !Array.isArray(item) && Object.hasOwn(item, segment)) {
          next.push((item as Record<string, unknown>)[segment]);
        }
      }
    }
    current = next;
  }
  return current.flatMap((value): unknown[] => (Array.isArray(value) ? (value as unknown[]) : [value]));
}

function fieldValues(user: Auth0User, field: string): unknown[] {
  if (field === "email.domain") {
    const email = user.email;
    return typeof email === "string" && email.includes("@") ? [email.slice(email.lastIndexOf("@") + 1)] : [];
  }
  return valuesAtPath(user, field);
}

function wildcardToRegExp(term: string, caseInsensitive: boolean): RegExp {
  const source = term
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "");
}

function scalarEquals(value: unknown, term: string, caseInsensitive: boolean): boolean {
  if (typeof value === "string") return caseInsensitive ? value.toLowerCase() === term.toLowerCase() : value === term;
  if (typeof value === "boolean") return String(value) === term;
  if (typeof value === "number") return term.trim() !== "" && Number(term) === value;
  return false;
}

function compare(value: unknown, bound: string): number | undefined {
  if (typeof value === "number") {
    const number = Number(bound);
    return Number.isNaN(number) ? undefined : value - number;
  }
  if (typeof value === "string") return value < bound ? -1 : value > bound ? 1 : 0;
  return undefined;
}

function termPredicate(node: NodeTerm, field: string): Predicate {
  if (node.regex) throw queryError("Regular expression terms are not supported");
  if (node.similarity !== null && node.similarity !== undefined) throw queryError("Fuzzy terms are not supported");
  const isMetadata = field.startsWith("user_metadata.") || field === "user_metadata";
  const term = node.quoted ? lucene.phrase.unescape(node.term) : lucene.term.unescape(node.term);
  const hasWildcard = !node.quoted && /[*?]/.test(node.term);

  if (field === "_exists_") {
    return (user) => fieldValues(user, term).some((value) => value !== null && value !== undefined);
  }
  if (hasWildcard && isMetadata)
    throw queryError(`Wildcard searches are not available on user_metadata fields: ${field}`);

  const fields = field === "<implicit>" ? IMPLICIT_FIELDS : [field];
  return (user) =>
    fields.some((name) => {
      const caseInsensitive = NORMALIZED_FIELDS.has(name);
      const pattern = hasWildcard ? wildcardToRegExp(term, caseInsensitive) : undefined;
      return fieldValues(user, name).some((value) =>
        pattern
          ? (typeof value === "string" || typeof value === "number") && pattern.test(String(value))
          : scalarEquals(value, term, caseInsensitive),
      );
    });
}

function rangePredicate(node: NodeRangedTerm, field: string): Predicate {
  if (field === "<implicit>") throw queryError("A range needs a field name");
  if (field.startsWith("user_metadata."))
    throw queryError(`Range searches are not available on user_metadata fields: ${field}`);
  const includeMin = node.inclusive === "both" || node.inclusive === "left";
  const includeMax = node.inclusive === "both" || node.inclusive === "right";
  return (user) =>
    fieldValues(user, field).some((value) => {
      if (node.term_min !== "*") {
        const low = compare(value, node.term_min);
        if (low === undefined || low < 0 || (low === 0 && !includeMin)) return false;
      }
      if (node.term_max !== "*") {
        const high = compare(value, node.term_max);
        if (high === undefined || high > 0 || (high === 0 && !includeMax)) return false;
      }
      return true;
    });
}

function isNode(value: AST | Node): value is Node {
  return "term" in value || "term_min" in value;
}

function nodePredicate(node: Node, inheritedField: string | undefined): Predicate {
  let field = node.field === "<implicit>" && inheritedField ? inheritedField : node.field;
  let negate = false;
  if (field.startsWith("-") || field.startsWith("!")) {
    negate = true;
    field = field.slice(1);
  } else if (field.startsWith("+")) {
    field = field.slice(1);
  }
  if ("prefix" in node && node.prefix === "-") negate = !negate;
  const predicate = "term_min" in node ? rangePredicate(node, field) : termPredicate(node, field);
  return negate ? (user) => !predicate(user) : predicate;
}

function astPredicate(ast: AST | Node, inheritedField: string | undefined): Predicate {
  if (isNode(ast)) return nodePredicate(ast, inheritedField);
  const field = ast.field && ast.field !== "<implicit>" ? ast.field : inheritedField;
  const left = astPredicate(ast.left, field);
  const leftWithStart: Predicate = "start" in ast && ast.start === "NOT" ? (user) => !left(user) : left;
  if (!("right" in ast)) return leftWithStart;
  const right = astPredicate(ast.right, field);
  switch (ast.operator) {
    case "AND":
      return (user) => leftWithStart(user) && right(user);
    case "AND NOT":
    case "NOT":
      return (user) => leftWithStart(user) && !right(user);
    case "OR NOT":
      return (user) => leftWithStart(user) || !right(user);
    case "OR":
    case "<implicit>":
      return (user) => leftWithStart(user) || right(user);
    default:
      throw queryError(`Unsupported operator ${String(ast.operator)}`);
  }
}

/** Compiles a `q` string into a predicate over Management API user profiles. */
export function compileUserQuery(q: string): Predicate {
  if (q.trim() === "") return () => true;
  let ast: AST;
  try {
    ast = lucene.parse(q);
  } catch (error) {
    throw queryError(`Invalid query: ${error instanceof Error ? error.message : String(error)}`);
  }
  return astPredicate(ast, undefined);
}
