// No 500 for bad input, server actions (issue 13, point 6): every server action of the build,
// called over real HTTP exactly as React's client calls it, with form bodies from fast-check
// (the schema's fields with plausible and hostile values, unknown and repeated fields, bytes that
// are not UTF-8). Every answer must be below 500 and never the hidden 500 of `handleForm`
// ("Something went wrong"); an answer that refuses (validation error, AppError, forbidden,
// signed out) must have written nothing. The 1,000 bodies per schema run in process
// (lib/http/form-validation.test.ts); here each action gets RUNS bodies through its use case.
//
// Whose rows are counted: the fuzz acts as its own person and its own admin, nobody else's, so
// the counts are exact while other specs run beside it. Making someone an admin changes how many
// admins the last-admin test sees, so the staff actions run in the global-state project, after it.
// The values that pass validation are chosen so that no call changes what other specs rely on
// (a purpose, a policy, the withdrawal policy, someone's role or sessions): see `safeValues`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request as httpRequest } from "node:http";
import type { Browser } from "@playwright/test";
import fc from "fast-check";
import pg from "pg";
import {
  fieldNamesOf,
  formBody,
  plausibleValue,
  schemaOf,
  serverActionForms,
  type FieldValue,
  type ServerActionForm,
} from "../test/server-action-forms";
import { auth0, expect, grantAdminOnRolesPage, NEW_PASSWORD, signUpAndSignIn, test } from "./fixtures";
import { E2E_BASE_URL, E2E_DATA_DIR, E2E_PORT_OFFSET, E2E_POSTGRES_PORT } from "./stack";

/**
 * Form bodies per action over HTTP (20–40 ms each on 2 cores); the in-process property test runs
 * 1,000 per schema. The staff actions run fewer: they run alone in the global-state phase, where
 * every second adds to the e2e stage's wall time.
 */
const RUNS = { person: 100, staff: 60 };

interface BuiltAction {
  id: string;
  key: string;
  /** The pages that import it (`app/admin/purposes/page`). */
  workers: string[];
}

function builtActions(): BuiltAction[] {
  const dir = E2E_PORT_OFFSET ? `.next-e2e-${E2E_PORT_OFFSET}` : ".next";
  const manifest = JSON.parse(readFileSync(join(dir, "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, action]) => ({
    id,
    key: `${action.filename}#${action.exportedName}`,
    workers: Object.keys(action.workers),
  }));
}

/** The page to post to: one without a dynamic segment if the action has one, else with `segments` filled in. */
function pageOf(action: BuiltAction, segments: Record<string, string>): string {
  const worker = action.workers.find((path) => !path.includes("[")) ?? action.workers[0]!;
  const path = worker
    .replace(/^app/, "")
    .replace(/\/page$/, "")
    .replace(/\[(\w+)\]/g, (_, name: string) => segments[name] ?? "x");
  return path || "/";
}

// --- The request, as React's client sends it ----------------------------------------------------

/**
 * The body of `encodeReply([prevState, formData])` (react-server-dom-webpack's
 * ReactFlightReplyClient, vendored in next/dist/compiled/react-server-dom-webpack): the FormData's
 * entries prefixed `_1_`, then field `0`, the arguments as JSON with the FormData as `$K1`. Field
 * `0` comes last, as React appends it: Next's streaming decoder reads `$K1` from the entries seen
 * before it.
 */
function actionBody(prevState: unknown, entries: Array<[string, FieldValue]>): { body: Buffer; boundary: string } {
  const boundary = `----fuzz${Math.random().toString(16).slice(2)}`;
  // A browser escapes a field name's quote and line breaks (HTML's multipart/form-data encoding).
  const escape = (name: string) => name.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const part = (name: string, value: FieldValue) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escape(name)}"\r\n\r\n`),
      typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value),
      Buffer.from("\r\n"),
    ]);
  return {
    boundary,
    body: Buffer.concat([
      ...entries.map(([name, value]) => part(`_1_${name}`, value)),
      part("0", JSON.stringify([prevState, "$K1"])),
      Buffer.from(`--${boundary}--\r\n`),
    ]),
  };
}

interface Answer {
  status: number;
  /** `x-action-redirect`: where the action sent the browser. */
  redirect: string;
  /** The action's ActionState, when it returned one. */
  state?: { status: string; message?: string; fieldErrors?: Record<string, string> };
}

function callAction(actionId: string, page: string, cookie: string, body: Buffer, boundary: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      E2E_BASE_URL,
      {
        path: page,
        method: "POST",
        agent: false,
        headers: {
          "next-action": actionId,
          accept: "text/x-component",
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": body.length,
          ...(cookie && { cookie }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          // The RSC answer: row 0 points at row 1, the action's return value.
          const row = /^1:(\{.*\})$/m.exec(Buffer.concat(chunks).toString("utf8"))?.[1];
          resolve({
            status: response.statusCode ?? 0,
            redirect: String(response.headers["x-action-redirect"] ?? ""),
            state: row ? (JSON.parse(row) as Answer["state"]) : undefined,
          });
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const PREVIOUS_STATES: unknown[] = [
  { status: "idle" },
  { status: "error", message: "Please correct the marked fields.", fieldErrors: { x: "y" } },
  { status: "success", message: "Saved." },
];

// --- Who calls, and what they own -----------------------------------------------------------------

interface Caller {
  cookie: string;
  /** Auth0 user id: the actor id the portal records. */
  userId: string;
  subjectId: string;
}

async function signedInCaller(browser: Browser, label: string, makeAdmin: boolean): Promise<Caller> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const email = await signUpAndSignIn(page, { label });
  if (makeAdmin) {
    const { admin } = await grantAdminOnRolesPage(browser, page, email);
    await admin.context().close();
  }
  const cookie = (await context.cookies()).map((entry) => `${entry.name}=${entry.value}`).join("; ");
  await context.close();
  const userId = await auth0.userIdOf(email);
  const { rows } = await query<{ id: string }>(`select id from "Subject" where auth0_user_id = $1`, [userId]);
  return { cookie, userId, subjectId: rows[0]!.id };
}

// --- The database, read-only, as the portal's own login ------------------------------------------

let database: pg.Client | undefined;
async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  if (!database) {
    const secrets = JSON.parse(readFileSync(`${E2E_DATA_DIR}/secrets.json`, "utf8")) as {
      POSTGRES_APP_PASSWORD: string;
    };
    database = new pg.Client({
      host: "localhost",
      port: E2E_POSTGRES_PORT,
      user: "consent_portal",
      password: secrets.POSTGRES_APP_PASSWORD,
      database: "consent_portal",
    });
    await database.connect();
  }
  return database.query<R>(text, values);
}

/**
 * Everything a caller's request could write, as one fingerprint per table: the rows it made or
 * changed (by actor), and the rows about its own person. Some tables count rows only: the
 * outbox's worker and an export job's run update rows after the answer, and each request touches
 * its session's `last_seen_at`. A reconciliation the admin started repairs drift after the
 * answer (`auth0.repair`), so those rows are not a later request's.
 */
async function writtenBy(caller: Caller): Promise<Record<string, string>> {
  const fingerprint = (from: string, where: string) =>
    `(select md5(coalesce(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text), '')) from ${from} t where ${where})`;
  const { rows } = await query<Record<string, string>>(
    `select
      ${fingerprint(`"ConsentEvent"`, "actor_id = $1 or subject_id = $2")} as "ConsentEvent",
      ${fingerprint(`"ConsentState"`, "subject_id = $2")} as "ConsentState",
      ${fingerprint(`"Subject"`, "id = $2")} as "Subject",
      ${fingerprint(`"AccessLog"`, "actor_id = $1")} as "AccessLog",
      ${fingerprint(`"AdminChange"`, "actor_id = $1 and action <> 'auth0.repair'")} as "AdminChange",
      ${fingerprint(`"PolicyDraft"`, "created_by = $1 or updated_by = $1")} as "PolicyDraft",
      ${fingerprint(`"PolicyVersion"`, "published_by = $1")} as "PolicyVersion",
      ${fingerprint(`"PurposeVersion"`, "published_by = $1")} as "PurposeVersion",
      ${fingerprint(`"StaffApiToken"`, "owner_id = $1")} as "StaffApiToken",
      ${fingerprint(`"WebhookEndpoint"`, "created_by = $1")} as "WebhookEndpoint",
      ${fingerprint(`"ApiClient"`, "created_by = $1 or revoked_by = $1")} as "ApiClient",
      (select count(*)::text from "ExportJob" where created_by = $1) as "ExportJob",
      (select count(*)::text from "OutboxMessage" where subject_id = $2) as "OutboxMessage",
      (select count(*)::text from "PortalSession" where user_id = $1) as "PortalSession"`,
    [caller.userId, caller.subjectId],
  );
  return rows[0]!;
}

/** Access-log rows that say a write happened (`*.write`, `*.import`) and were not refused. */
async function accessLogWrites(caller: Caller): Promise<number> {
  const { rows } = await query<{ count: string }>(
    `select count(*) from "AccessLog" where actor_id = $1 and (action like '%.write' or action like '%.import')
       and coalesce(detail::text, '') not like '%refused%'`,
    [caller.userId],
  );
  return Number(rows[0]!.count);
}

// --- Values that pass validation without touching what other specs rely on -----------------------

interface Ids {
  policyVersionIds: string[];
  purposeVersionIds: string[];
  subjectId: string;
}

/**
 * Per action and field, plausible values that reach the use case but cannot change shared state:
 * keys of purposes that exist (creating one is refused) or do not (editing one is refused), ids
 * that do not exist, people who do not exist, never the confirmation that closes the fuzz's own
 * account, webhook URLs with credentials (refused after validation), no valid withdrawal policy.
 */
function safeValues(form: ServerActionForm, ids: Ids): (field: string) => fc.Arbitrary<string> {
  const uuid = fc.uuid();
  const overrides: Record<string, Record<string, fc.Arbitrary<string>>> = {
    createPurposeAction: { key: fc.constantFrom("analytics", "terms"), required: fc.constantFrom("", "off") },
    updatePurposeAction: { key: fc.constant("fuzz-nope") },
    retirePurposeAction: { key: fc.constantFrom("fuzz-nope", "fuzz-other") },
    reinstatePurposeAction: { key: fc.constantFrom("fuzz-nope", "fuzz-other") },
    publishDraftAction: { id: uuid },
    deleteDraftAction: { id: uuid },
    changeRoleAction: { user: fc.constantFrom("nobody-fuzz@example.test", "auth0|000000000000000000000000") },
    endSessionsAction: { user: fc.constantFrom("nobody-fuzz@example.test", "auth0|000000000000000000000000") },
    changeWithdrawalPolicyAction: { onRequiredWithdrawal: fc.constantFrom("Flag", "remove", "") },
    registerWebhookAction: { url: fc.constant("http://user:secret@localhost:1/hook") },
    deleteAccount: { confirm: fc.constantFrom("no", "Yes", "") },
    withdrawRequiredConsent: { purpose: fc.constantFrom("analytics", "marketing-email", "fuzz-nope") },
    recordOnBehalfAction: {
      subjectId: fc.constantFrom(ids.subjectId, "00000000-0000-4000-8000-000000000000"),
      purpose: fc.constantFrom("analytics", "marketing-email", "fuzz-nope"),
    },
    startExportJobAction: { version: fc.oneof(uuid, fc.constant("")) },
    signUp: {
      acceptTerms: fc.constant("on"),
      password: fc.constant(NEW_PASSWORD),
      email: fc.integer({ min: 0, max: 1e9 }).map((n) => `fuzz-${Date.now().toString(36)}-${n}@example.test`),
    },
  };
  const shared: Record<string, fc.Arbitrary<string>> = {
    policyVersionIds: fc.oneof(fc.constantFrom(...ids.policyVersionIds), uuid),
    purposeVersionIds: fc.oneof(fc.constantFrom(...ids.purposeVersionIds), uuid),
  };
  return (field) => overrides[form.exportedName]?.[field] ?? shared[field] ?? plausibleValue(field);
}

// --- The property ---------------------------------------------------------------------------------

type Role = "anonymous" | "person" | "admin";
// Mostly the caller the action is for; the others are refused before the form is read.

/** How an answer ended: refused by the schema or by the use case, done, sent on, or refused the caller. */
function outcomeOf(answer: Answer): string {
  if (answer.state?.status === "error") {
    return answer.state.message === "Please correct the marked fields." ? "invalid" : "refused";
  }
  if (answer.state?.status === "success") return "done";
  if (answer.redirect.startsWith("/auth/login")) return "sign-in";
  if (answer.redirect) return "redirected";
  return String(answer.status);
}

/**
 * Fuzzes one action as the callers given; returns what went wrong, and how the answers ended (in
 * the test's annotations: evidence that plausible bodies reach the use case).
 */
async function fuzzAction(
  form: ServerActionForm,
  action: BuiltAction,
  callers: Array<{ role: Role; caller: Caller; weight: number }>,
  ids: Ids,
  numRuns: number,
): Promise<string[]> {
  const schema = await schemaOf(form);
  const page = pageOf(action, { subjectId: ids.subjectId, purpose: "terms", id: ids.subjectId, key: "analytics" });
  const failures: string[] = [];
  const outcomes: Record<string, number> = {};
  // fc.check, not fc.assert: the failures found (and those met while shrinking) are the report.
  await fc.check(
    fc.asyncProperty(
      fc.oneof(...callers.map(({ role, weight }) => ({ weight, arbitrary: fc.constant(role) }))),
      fc.constantFrom(...PREVIOUS_STATES),
      formBody(fieldNamesOf(schema), safeValues(form, ids)),
      async (role, prevState, entries) => {
        const { caller } = callers.find((candidate) => candidate.role === role)!;
        const found: string[] = [];
        const before = caller.userId ? await writtenBy(caller) : undefined;
        const writesBefore = caller.userId ? await accessLogWrites(caller) : 0;
        const { body, boundary } = actionBody(prevState, entries);
        const answer = await callAction(action.id, page, caller.cookie, body, boundary);
        const shown = `${role} ${form.exportedName} ${JSON.stringify(entries).slice(0, 300)}`;
        const outcome = `${role} ${outcomeOf(answer)}`;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (answer.status >= 500) found.push(`${shown} → ${answer.status}`);
        if (answer.state?.message === "Something went wrong. Please try again.") {
          found.push(`${shown} → "Something went wrong"`);
        }
        // Refused: a validation error or AppError, forbidden, or sent to sign in.
        const refused =
          answer.state?.status === "error" || answer.status === 403 || answer.redirect.startsWith("/auth/login");
        if (refused && before) {
          const after = await writtenBy(caller);
          const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
          if (changed.length)
            found.push(`${shown} → refused (${answer.state?.message}), yet wrote ${changed.join(", ")}`);
          if ((await accessLogWrites(caller)) !== writesBefore) {
            found.push(`${shown} → refused, yet the access log has a write`);
          }
        }
        failures.push(...found);
        return found.length === 0;
      },
    ),
    { numRuns },
  );
  test.info().annotations.push({ type: "outcomes", description: `${form.exportedName}: ${JSON.stringify(outcomes)}` });
  return failures;
}

async function currentIds(subjectId: string): Promise<Ids> {
  const policies = await query<{ id: string }>(
    `select distinct on (kind) id from "PolicyVersion" order by kind, published_at desc`,
  );
  const purposes = await query<{ id: string }>(
    `select distinct on (purpose_id) id from "PurposeVersion" order by purpose_id, published_at desc`,
  );
  return {
    policyVersionIds: policies.rows.map((row) => row.id),
    purposeVersionIds: purposes.rows.map((row) => row.id),
    subjectId,
  };
}

const forms = serverActionForms();
const STAFF_ROLES = new Set(["compliance", "admin"]);
const anonymous: Caller = { cookie: "", userId: "", subjectId: "" };

test.describe("server actions: no 500 and no partial write for any form body", () => {
  test.afterAll(async () => {
    await database?.end();
    database = undefined;
  });

  test("every server action of the build is fuzzed here, with its schema", () => {
    const built = builtActions().map((action) => action.key);
    const found = forms.filter((form) => form.schemaModule).map((form) => `${form.file}#${form.exportedName}`);
    expect(built.filter((key) => !found.includes(key))).toEqual([]);
    expect(found.filter((key) => !built.includes(key))).toEqual([]);
  });

  test("the encoding reaches the action: a body missing one field is answered with that field", async () => {
    const action = builtActions().find((candidate) => candidate.key === "app/signup/actions.ts#signUp")!;
    const { body, boundary } = actionBody({ status: "idle" }, [
      ["email", "fuzz-encoding@example.test"],
      ["password", NEW_PASSWORD],
      ["acceptTerms", "on"],
      ["idempotencyKey", "6f1c2f7e-8a51-4d0e-9a57-2a8f4b9e1c33"],
    ]);
    const answer = await callAction(action.id, "/signup", "", body, boundary);
    expect(answer.state).toEqual({
      status: "error",
      message: "Please correct the marked fields.",
      fieldErrors: { policyVersionIds: "The form is out of date: reload the page" },
    });
  });

  // A person's own actions (and sign-up) as the fuzz's own person and as nobody.
  let person: Caller;

  // Both were Next.js's 500 (ADR 042): proxy.ts refuses them before Next.js parses the body.
  test("a form body cut off before its closing boundary is a 400, one over the action limit a 413; neither writes", async () => {
    const action = builtActions().find((candidate) => candidate.key === "app/me/consents/actions.ts#changeConsent")!;
    const ids = await currentIds(person.subjectId);
    const fields = (): Array<[string, FieldValue]> => [
      ["purpose", "analytics"],
      ["decision", "grant"],
      ...ids.policyVersionIds.map((id): [string, FieldValue] => ["policyVersionIds", id]),
      ["idempotencyKey", crypto.randomUUID()],
    ];
    const before = await writtenBy(person);

    const whole = actionBody({ status: "idle" }, fields());
    const cut = whole.body.subarray(0, whole.body.lastIndexOf(`--${whole.boundary}--`));
    const truncated = await callAction(action.id, "/me/consents", person.cookie, cut, whole.boundary);
    expect(truncated).toMatchObject({ status: 400, redirect: "" });

    // Over serverActions.bodySizeLimit (2 MB) and under proxyClientMaxBodySize (3 MB): Next's own 413 was a 500.
    const large = actionBody({ status: "idle" }, [...fields(), ["note", "x".repeat(2.5 * 1024 * 1024)]]);
    expect(await callAction(action.id, "/me/consents", person.cookie, large.body, large.boundary)).toMatchObject({
      status: 413,
    });
    // Over both: the proxy's copy stops at 3 MB, and the rest never reaches the action.
    const huge = actionBody({ status: "idle" }, [...fields(), ["note", "x".repeat(8 * 1024 * 1024)]]);
    expect(await callAction(action.id, "/me/consents", person.cookie, huge.body, huge.boundary)).toMatchObject({
      status: 413,
    });
    expect(await writtenBy(person)).toEqual(before);

    // The same fields in a whole body reach the action: the refusals above were about the body alone.
    const reached = await callAction(action.id, "/me/consents", person.cookie, whole.body, whole.boundary);
    expect(reached.status).toBe(200);
    expect(reached.state?.status).toBe("success");
  });
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    person = await signedInCaller(browser, "fuzz-person", false);
  });
  for (const form of forms.filter((candidate) => !STAFF_ROLES.has(candidate.role))) {
    test(`${form.file}#${form.exportedName}`, async () => {
      test.setTimeout(120_000);
      const action = builtActions().find((candidate) => candidate.key === `${form.file}#${form.exportedName}`)!;
      const callers = [
        { role: "person" as const, caller: person, weight: 4 },
        { role: "anonymous" as const, caller: anonymous, weight: 1 },
      ];
      const failures = await fuzzAction(form, action, callers, await currentIds(person.subjectId), RUNS.person);
      expect(failures).toEqual([]);
    });
  }
});

test(
  "staff server actions: no 500 and no partial write for any form body, as the fuzz's own admin",
  { tag: "@global-state" },
  async ({ browser }) => {
    test.setTimeout(600_000);
    const admin = await signedInCaller(browser, "fuzz-admin", true);
    // The people whose consent the admin records on paper: a person of the fuzz's own.
    const person = await signedInCaller(browser, "fuzz-recorded", false);
    const ids = await currentIds(person.subjectId);
    const failures: string[] = [];
    try {
      for (const form of forms.filter((candidate) => STAFF_ROLES.has(candidate.role))) {
        const action = builtActions().find((candidate) => candidate.key === `${form.file}#${form.exportedName}`)!;
        const callers = [
          { role: "admin" as const, caller: admin, weight: 8 },
          { role: "person" as const, caller: person, weight: 1 },
          { role: "anonymous" as const, caller: anonymous, weight: 1 },
        ];
        failures.push(...(await fuzzAction(form, action, callers, ids, RUNS.staff)));
      }
    } finally {
      await database?.end();
      database = undefined;
    }
    expect(failures).toEqual([]);
  },
);
