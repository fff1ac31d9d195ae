// Compliance search on a million subjects (not part of `npm test`):
//   npx tsx --conditions=react-server bench/compliance-search.ts [subjects]
// Starts a throw-away embedded PostgreSQL, migrates it, bulk-loads N subjects (default 1,000,000)
// with 2–3 current consent states each straight in SQL (ConsentState is what search reads; the
// events behind it are not needed for search), then times `searchSubjects` — access-log write
// included — for every way in, and prints the query plans the indexes give.
import pg from "pg";
import { staffActor } from "../test/actors.js";
import { startBenchDatabase } from "./bench-database.js";

const SUBJECTS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 30;

const database = await startBenchDatabase("compliance");

const { db } = await import("../lib/db/client.js");
const { seedConsentCatalog } = await import("../lib/demo/consent-catalog.js");
const { emailBlindIndexKey } = await import("../lib/crypto/ledger-keys.js");
const { searchSubjects } = await import("../lib/compliance/search-subjects.js");
type SearchInput = Parameters<typeof searchSubjects>[1];

// Bulk generation and VACUUM are the owner's; the searches run as the portal's role.
const sql = new pg.Client({ connectionString: database.ownerUrl });
await sql.connect();

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`${label.padEnd(64)} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`);
  return result;
}

try {
  await db().$transaction((tx) => seedConsentCatalog(tx));
  const purposes = Object.fromEntries(
    (await db().purpose.findMany()).map((purpose) => [purpose.key, purpose.id] as const),
  );
  const v1 = Object.fromEntries(
    (await db().policyVersion.findMany()).map((version) => [version.kind, version.id] as const),
  );
  // A second Terms version that a third of the people agreed to.
  const termsV2 = (
    await sql.query<{ id: string }>(
      `INSERT INTO "PolicyVersion" (kind, version, title, url, text, text_sha256, published_at)
       VALUES ('terms', '2', 'Terms of Service', '/policies/terms/2', 'Terms v2', encode(sha256('Terms v2'), 'hex'), now() - interval '200 days')
       RETURNING id`,
    )
  ).rows[0]!.id;

  await sql.query("CREATE EXTENSION IF NOT EXISTS pgcrypto");
  const key = emailBlindIndexKey().toString("hex");
  // Every bulk subject is findable by email: bench-<n>@example.com, under the portal's real blind index.
  await timed(`load ${SUBJECTS.toLocaleString("en")} subjects`, () =>
    sql.query(
      `INSERT INTO "Subject" (id, auth0_user_id, email_blind_index, last_seq, created_at)
       SELECT gen_random_uuid(), 'auth0|bench-' || g,
              encode(hmac(convert_to('bench-' || g || '@example.com', 'UTF8'), decode($1, 'hex'), 'sha256'), 'hex'),
              3, now() - (g % 730) * interval '1 day'
       FROM generate_series(1, $2::int) g`,
      [key, SUBJECTS],
    ),
  );
  // Current state, spread over two years: Terms for everyone (v1 or v2, 1% withdrawn), analytics
  // for 70% (30% of them withdrawn), marketing emails for half. Product research: nobody.
  await timed("load current consent states", () =>
    sql.query(
      `WITH s AS (SELECT id, row_number() OVER () AS n FROM "Subject")
       INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, event_id, seq, updated_at)
       SELECT id, $1::uuid, CASE WHEN n % 100 = 0 THEN 'withdrawn' ELSE 'granted' END::"ConsentStatus",
              CASE WHEN n % 3 = 0 THEN $4::uuid ELSE $5::uuid END, gen_random_uuid(), 1,
              now() - (n % 730) * interval '1 day' - (n % 86400) * interval '1 second'
       FROM s
       UNION ALL
       SELECT id, $2::uuid, CASE WHEN n % 10 < 3 THEN 'withdrawn' ELSE 'granted' END::"ConsentStatus",
              $6::uuid, gen_random_uuid(), 2, now() - (n % 600) * interval '1 day' - (n % 7200) * interval '1 second'
       FROM s WHERE n % 10 < 7
       UNION ALL
       SELECT id, $3::uuid, 'granted'::"ConsentStatus", $6::uuid, gen_random_uuid(), 3,
              now() - (n % 500) * interval '1 day' - (n % 3600) * interval '1 second'
       FROM s WHERE n % 2 = 0`,
      [purposes.terms, purposes.analytics, purposes["marketing-email"], termsV2, v1.terms, v1.privacy],
    ),
  );
  await timed("VACUUM ANALYZE", async () => {
    await sql.query(`VACUUM ANALYZE "Subject"`);
    await sql.query(`VACUUM ANALYZE "ConsentState"`);
  });
  const counts = await sql.query<{ subjects: string; states: string }>(
    `SELECT (SELECT count(*) FROM "Subject") AS subjects, (SELECT count(*) FROM "ConsentState") AS states`,
  );
  console.log(`\n${counts.rows[0]!.subjects} subjects, ${counts.rows[0]!.states} consent states\n`);

  const actor = staffActor("auth0|bench-staff");
  const someSubject = (await sql.query<{ id: string }>(`SELECT id FROM "Subject" OFFSET 4242 LIMIT 1`)).rows[0]!.id;
  const unknownEmail = { findByEmail: () => Promise.resolve([]), findById: () => Promise.resolve(null) };
  const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

  const cases: Array<[string, SearchInput]> = [
    ["email (blind index)", { email: `Bench-${Math.floor(SUBJECTS / 2)}@Example.com` }],
    ["Auth0 user id", { auth0UserId: `auth0|bench-${Math.floor(SUBJECTS / 3)}` }],
    ["subject id", { subjectId: someSubject }],
    ["email + purpose filter", { email: `bench-${Math.floor(SUBJECTS / 4)}@example.com`, purpose: "analytics" }],
    ["purpose = analytics", { purpose: "analytics" }],
    ["purpose = analytics, state = withdrawn", { purpose: "analytics", status: "withdrawn" }],
    ["purpose = terms, state = withdrawn (1%)", { purpose: "terms", status: "withdrawn" }],
    ["policy version = Terms v2", { policyVersionId: termsV2 }],
    ["state = withdrawn (any purpose)", { status: "withdrawn" }],
    ["decided in one week (any purpose)", { from: day(100), to: day(94) }],
    ["marketing emails, decided in one week", { purpose: "marketing-email", from: day(100), to: day(94) }],
    ["purpose = product-research (no one)", { purpose: "product-research" }],
  ];

  console.log("searchSubjects, 25 per page, access-log row included; ms over", RUNS, "runs after 3 warm-ups");
  console.log(`${"case".padEnd(46)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"max".padStart(7)}  rows`);
  for (const [label, input] of cases) {
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < RUNS + 3; run += 1) {
      const started = performance.now();
      const result = await searchSubjects(actor, input, { directory: unknownEmail });
      if (run >= 3) times.push(performance.now() - started);
      rows = result.subjects.length + result.states.length;
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1).padStart(7);
    console.log(`${label.padEnd(46)} ${at(0.5)} ${at(0.95)} ${at(1)}  ${rows}`);
  }

  // Deep keyset paging: every page costs the same.
  let cursor: string | undefined;
  const pageTimes: number[] = [];
  for (let page = 0; page < 200; page += 1) {
    const started = performance.now();
    const result = await searchSubjects(actor, { purpose: "analytics", limit: 100, cursor });
    pageTimes.push(performance.now() - started);
    cursor = result.nextCursor ?? undefined;
    if (!cursor) break;
  }
  const avg = (values: number[]) => (values.reduce((sum, value) => sum + value, 0) / values.length).toFixed(1);
  console.log(
    `\nkeyset paging, purpose = analytics, 100 per page: pages 1-10 avg ${avg(pageTimes.slice(0, 10))} ms, pages 191-200 avg ${avg(pageTimes.slice(190))} ms`,
  );

  // The plans the search relies on (same SQL shapes as lib/compliance/search-subjects.ts).
  const select = `SELECT cs.subject_id, cs.purpose_id, cs.status, cs.policy_version_id, cs.updated_at FROM "ConsentState" cs`;
  const order = `ORDER BY cs.updated_at DESC, cs.subject_id DESC, cs.purpose_id DESC LIMIT 26`;
  const plans: Array<[string, string, unknown[]]> = [
    ["email", `SELECT * FROM "Subject" WHERE email_blind_index = $1`, ["0".repeat(64)]],
    [
      "purpose + state, next page",
      `${select} WHERE cs.purpose_id = $1 AND cs.status = 'withdrawn' AND (cs.updated_at, cs.subject_id) < (now() - interval '30 days', $2::uuid) ${order}`,
      [purposes.analytics, someSubject],
    ],
    ["policy version", `${select} WHERE cs.policy_version_id = $1 ${order}`, [termsV2]],
    [
      "date range, any purpose, next page",
      `${select} WHERE cs.updated_at >= now() - interval '100 days' AND cs.updated_at < now() - interval '93 days'
         AND (cs.updated_at, cs.subject_id, cs.purpose_id) < (now() - interval '95 days', $1::uuid, $1::uuid) ${order}`,
      [someSubject],
    ],
  ];
  for (const [label, text, params] of plans) {
    const plan = await sql.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, params);
    console.log(`\nplan: ${label}`);
    for (const row of plan.rows) console.log(`  ${row["QUERY PLAN"]}`);
  }
} finally {
  await sql.end();
  await db().$disconnect();
  await database.stop();
}
