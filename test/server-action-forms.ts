// Every server action's form, found in the source (issue 13, point 6): the `"use server"` files
// under app/, each `defineAction` / `definePublicAction` export and the zod schema it validates
// with, imported from where the action imports it. The schema property test
// (lib/http/form-validation.test.ts) and the HTTP fuzz (e2e/server-actions-fuzz.spec.ts) both
// start here, so a new action is fuzzed without a row to add. Also: the form bodies both send.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import fc from "fast-check";
import { z } from "zod";
import { hostileText } from "./hostile-values";

export interface ServerActionForm {
  /** The action's file, as the build's server-reference manifest names it (`app/…/actions.ts`). */
  file: string;
  exportedName: string;
  /** The schema's name and the module the action file imports it from (`@/lib/…`). */
  schemaName: string;
  schemaModule: string;
  /** Who may call it: the role `defineAction` checks, or "public" (`definePublicAction`). */
  role: string;
}

const ROOT = resolve(import.meta.dirname, "..");

function filesThatUseServer(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return filesThatUseServer(full);
    return /\.tsx?$/.test(name) && /^["']use server["'];/.test(readFileSync(full, "utf8")) ? [full] : [];
  });
}

/** Each exported server action with its schema; an export the pattern does not match has `schemaName` "". */
export function serverActionForms(): ServerActionForm[] {
  return filesThatUseServer(join(ROOT, "app")).flatMap((full) => {
    const source = readFileSync(full, "utf8");
    const file = relative(ROOT, full);
    const imports = new Map<string, string>();
    for (const [, names, from] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
      for (const name of names!.split(",")) imports.set(name.trim(), from!);
    }
    return [...source.matchAll(/export const (\w+) = (defineAction|definePublicAction)\(\s*([^]*?)[,)]/g)].map(
      ([, exportedName, wrapper, firstArgument]) => {
        // defineAction({ role, schema: x }, …); definePublicAction(x, …).
        const options = source.slice(source.indexOf(`export const ${exportedName} =`));
        const schemaName =
          wrapper === "defineAction" ? (/schema:\s*(\w+)/.exec(options)?.[1] ?? "") : firstArgument!.trim();
        const role = wrapper === "defineAction" ? (/role:\s*"(\w+)"/.exec(options)?.[1] ?? "") : "public";
        return { file, exportedName: exportedName!, schemaName, schemaModule: imports.get(schemaName) ?? "", role };
      },
    );
  });
}

/** The schema an action validates its form with (`@/` is the repository's root, as in tsconfig). */
export async function schemaOf(form: ServerActionForm): Promise<z.ZodType> {
  const path = resolve(ROOT, `${form.schemaModule.replace(/^@\//, "")}.ts`);
  const schema = ((await import(path)) as Record<string, unknown>)[form.schemaName];
  if (!(schema instanceof z.ZodType))
    throw new Error(`${form.file}#${form.exportedName}: ${form.schemaName} not found`);
  return schema;
}

/** The form's field names, from the schema's JSON Schema as it reads its input. */
export function fieldNamesOf(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, unknown>;
    allOf?: Array<{ properties?: Record<string, unknown> }>;
  };
  return Object.keys(json.properties ?? json.allOf?.[0]?.properties ?? {});
}

// --- Form bodies --------------------------------------------------------------------------------

/** A value as the bytes sent: UTF-8 text, or bytes that are not UTF-8 at all. */
export type FieldValue = string | Uint8Array;

/**
 * What a careless or hostile client sends in a field: hostile text, bytes that are not UTF-8, and
 * rarely (as when it was one constant among the others) a value past any field's limit.
 */
const hostileValue: fc.Arbitrary<FieldValue> = fc.oneof(
  { weight: 800, arbitrary: hostileText },
  // A lone continuation byte, an overlong slash, an encoded surrogate, 0xFF.
  {
    weight: 100,
    arbitrary: fc.constantFrom(
      Uint8Array.of(0x80),
      Uint8Array.of(0xc0, 0xaf),
      Uint8Array.of(0xed, 0xa0, 0x80),
      Uint8Array.of(0x61, 0xff, 0x62),
      Uint8Array.of(0xe2, 0x82),
    ),
  },
  { weight: 2, arbitrary: fc.constant("y".repeat(600_000)) },
);

/** Names a form does not have: typos, prototype keys, React's own prefixes. */
const unknownFieldName = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "$ACTION_ID_x",
    "$ACTION_KEY",
    "0",
    "",
    "a\0b",
    "name\r\nX: y",
    'quote"d',
  ),
);

/**
 * A form body: entries of the schema's fields (some repeated) and unknown ones, each with a
 * plausible value (so that some bodies pass validation and reach the use case) or a hostile one.
 */
export function formBody(
  fieldNames: string[],
  plausible: (field: string) => fc.Arbitrary<string>,
): fc.Arbitrary<Array<[string, FieldValue]>> {
  const known: fc.Arbitrary<[string, FieldValue]> = fieldNames.length
    ? fc
        .constantFrom(...fieldNames)
        .chain((field) =>
          fc.tuple(
            fc.constant(field),
            fc.oneof({ weight: 3, arbitrary: plausible(field) }, { weight: 1, arbitrary: hostileValue }),
          ),
        )
    : fc.tuple(unknownFieldName, hostileValue);
  // Mostly every field once (plausible bodies), else anything: missing, repeated, unknown fields.
  const wholeForm = fc
    .tuple(...fieldNames.map((field) => plausible(field).map((value): [string, FieldValue] => [field, value])))
    .chain((entries) =>
      fc
        .array(fc.oneof(known, fc.tuple(unknownFieldName, hostileValue)), { maxLength: 2 })
        .map((extra) => [...entries, ...extra]),
    );
  const anything = fc.array(
    fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: fc.tuple(unknownFieldName, hostileValue) }),
    { maxLength: 12 },
  );
  return fc.oneof({ weight: 2, arbitrary: wholeForm }, { weight: 3, arbitrary: anything });
}

const uuid = fc.uuid();
const checkbox = fc.constantFrom("on", "yes", "true", "");

/** Values a person could type or a page could send, by field name (across every action's form). */
const PLAUSIBLE: Record<string, fc.Arbitrary<string>> = {
  email: fc.constantFrom("fuzz@example.test", "Fuzz.Person+1@Example.test"),
  password: fc.constantFrom("Correct-horse-battery", "short"),
  acceptTerms: checkbox,
  accept: checkbox,
  confirm: checkbox,
  confirmRequired: checkbox,
  required: checkbox,
  requiresVerifiedEmail: checkbox,
  requiresReconsent: checkbox,
  endNow: checkbox,
  enabled: checkbox,
  purpose: fc.constantFrom("analytics", "marketing-email", "terms", "fuzz-nope"),
  purposes: fc.constantFrom("analytics", "marketing-email", "fuzz-nope"),
  keep: fc.constantFrom("analytics", "marketing-email", "fuzz-nope"),
  key: fc.constantFrom("analytics", "terms", "fuzz-nope"),
  decision: fc.constantFrom("grant", "withdraw"),
  channel: fc.constantFrom("paper", "phone", "email", "in-person"),
  reason: fc.constantFrom("Letter received, reference 2026-11-001", "short"),
  label: fc.constantFrom("fuzz token", "ab"),
  name: fc.constantFrom("fuzz client", "x"),
  title: fc.constantFrom("Fuzz title", " "),
  description: fc.constantFrom("What the fuzz purpose is for.\r\nSecond line.", ""),
  changeSummary: fc.constantFrom("The fuzz changed a sentence of the text.", "short"),
  role: fc.constantFrom("compliance", "admin"),
  change: fc.constantFrom("grant", "revoke"),
  user: fc.constantFrom("nobody-fuzz@example.test", "auth0|000000000000000000000000"),
  expiresInDays: fc.constantFrom("1", "90", "91"),
  scopes: fc.constantFrom("consent:read", "consent:write", "events:read", "webhooks:manage", "admin"),
  events: fc.constantFrom("consent.granted", "subject.erased", "policy.published", "nope"),
  format: fc.constantFrom("csv", "json", "ndjson"),
  dataset: fc.constantFrom("consent_state", "consent_events"),
  state: fc.constantFrom("granted", "withdrawn", "erased"),
  from: fc.constantFrom("2026-01-01", "2026-01-01T00:00:00Z", ""),
  to: fc.constantFrom("2026-12-31", "2025-01-01", ""),
  kind: fc.constantFrom("terms", "privacy"),
  policyKind: fc.constantFrom("terms", "privacy"),
  version: fc.constantFrom("fuzz-1", "2.1"),
  url: fc.constantFrom("/policies/terms/fuzz-1", "https://example.test/terms", "http://user:pw@localhost:1/hook"),
  text: fc.constantFrom("# Terms\r\n\r\nThe fuzz's text.", ""),
  textSha256: fc.constantFrom("0".repeat(64), "abc"),
  wordingChange: fc.constantFrom("editorial", "reconsent", ""),
  position: fc.constantFrom("0", "10", "10000", "10001", ""),
  fromVersion: fc.constantFrom("1", "2", ""),
  onRequiredWithdrawal: fc.constantFrom("flag", "delete"),
  returnTo: fc.constantFrom("/me/consents", "//evil.test", "/\\evil.test"),
  sessionId: fc.constantFrom("0".repeat(64), "f".repeat(63)),
  clientId: fc.constantFrom("fuzz-client-id", ""),
};

/** A plausible value for a field: from the table above, a UUID for ids, else any text. */
export function plausibleValue(field: string): fc.Arbitrary<string> {
  if (PLAUSIBLE[field]) return PLAUSIBLE[field];
  if (/(^id|Id|Ids)$/.test(field) || field === "idempotencyKey") return uuid;
  return fc.string({ maxLength: 30 });
}
