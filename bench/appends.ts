// Appends to the consent ledger, each beside pgbench running the same SQL (prepared) in the same
// run: appendConsentEvents at 1 and 16 writers over the generated subjects, 16 writers on one
// hot subject, and grantConsent (one purpose, with its outbox row) at 16 writers on fresh subjects.
// Writers are async loops in this one process sharing the portal's client and pool, as in a server.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { PERSON } from "../test/actors.js";
import { db } from "../lib/db/client.js";
import { appendConsentEvents } from "../lib/ledger/append-consent-events.js";
import { grantConsent } from "../lib/consent/grant-consent.js";
import { readCurrentPolicyVersions } from "../lib/policies/read-policy-versions.js";
import { measurePairs, pgbench, throughput, type BenchContext, type Figure } from "./harness.js";

/** Numbered subjects for pgbench (`bench_subject`, `bench_grant_subject`); returns their ids in order. */
async function numberSubjects(ctx: BenchContext, grantSubjects: number) {
  const owner = new pg.Client({ connectionString: ctx.ownerUrl });
  await owner.connect();
  try {
    await owner.query(`
      DROP TABLE IF EXISTS bench_subject, bench_grant_subject;
      CREATE TABLE bench_subject AS
        SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM "Subject" WHERE auth0_user_id LIKE 'auth0|bench-%';
      ALTER TABLE bench_subject ADD PRIMARY KEY (n);
      INSERT INTO "Subject" (id, auth0_user_id, created_at)
        SELECT gen_random_uuid(), 'auth0|grant-' || g, now() FROM generate_series(1, ${grantSubjects}) g;
      CREATE TABLE bench_grant_subject AS
        SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM "Subject" WHERE auth0_user_id LIKE 'auth0|grant-%';
      ALTER TABLE bench_grant_subject ADD PRIMARY KEY (n);
      GRANT SELECT ON bench_subject, bench_grant_subject TO consent_app;
      ANALYZE bench_subject, bench_grant_subject, "Subject";`);
    const ids = async (table: string) =>
      (await owner.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY n`)).rows.map((row) => row.id);
    return { subjects: await ids("bench_subject"), grantSubjects: await ids("bench_grant_subject") };
  } finally {
    await owner.end();
  }
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  // Room for 3,000 grants/s on our half (see below) for every second of every pair.
  const grantCount = ctx.tiny ? 1_000 : 6_000 * ctx.seconds * ctx.pairs;
  const { subjects, grantSubjects } = await numberSubjects(ctx, grantCount);
  const analytics = await db().purpose.findUniqueOrThrow({ where: { key: "analytics" } });
  const wording = await db().purposeVersion.findFirstOrThrow({
    where: { purposeId: analytics.id },
    orderBy: { version: "desc" },
  });
  const privacy = (await readCurrentPolicyVersions()).privacy!;
  const variables = {
    purpose: analytics.id,
    pv: wording.id,
    pvsha: wording.textSha256,
    policy: privacy.id,
    policysha: privacy.textSha256,
  };

  const appendOne = (subjectId: string) =>
    appendConsentEvents({
      subjectId,
      idempotencyKey: randomUUID(),
      requestFingerprint: "bench",
      decide: () =>
        Promise.resolve([
          {
            action: "granted" as const,
            purposeId: analytics.id,
            purposeVersionId: wording.id,
            purposeTextSha256: wording.textSha256,
            policyVersionId: privacy.id,
            policyTextSha256: privacy.textSha256,
            method: "api" as const,
            actorType: "system" as const,
            actorId: "bench",
            actorReason: null,
            clientTime: null,
            ipTruncated: null,
            userAgentHash: null,
          },
        ]),
    });
  const randomSubject = () => subjects[Math.floor(Math.random() * subjects.length)]!;
  // Warm the pool and the query compiler.
  await Promise.all(Array.from({ length: 20 }, () => appendOne(randomSubject())));

  const figures: Figure[] = [];
  for (const writers of [1, 16]) {
    figures.push(
      await measurePairs(
        ctx,
        {
          id: `appends-${writers}`,
          figure: `appends/s, ${writers} writer${writers > 1 ? "s" : ""}, ${subjects.length.toLocaleString("en")} subjects (appendConsentEvents)`,
          unit: "appends/s",
          ceilingWhat: `pgbench -c ${writers} -M prepared, the same SQL (bench/pgbench/append.sql)`,
          kind: "throughput",
          target: writers === 1 ? "≥ 0.6" : "≥ 0.5",
        },
        () => throughput(writers, ctx.seconds, () => appendOne(randomSubject())),
        async () =>
          (
            await pgbench(ctx, {
              script: "append.sql",
              clients: writers,
              variables: { ...variables, nsubjects: subjects.length },
            })
          )?.tps ?? null,
      ),
    );
  }

  // The hot subject is bench_subject number 1 for pgbench.
  const hot = subjects[0]!;
  figures.push(
    await measurePairs(
      ctx,
      {
        id: "appends-hot-16",
        figure: "appends/s, one hot subject, 16 writers",
        unit: "appends/s",
        // On one hot subject nearly every optimistic write finds the head moved and the append runs
        // again under the lock (ADR 050): the ceiling is that locked append alone.
        ceilingWhat:
          "pgbench -c 16 -M prepared on one subject, the append under the lock (bench/pgbench/append-locked.sql)",
        kind: "throughput",
        target: "≥ 0.5",
      },
      () => throughput(16, ctx.seconds, () => appendOne(hot)),
      async () =>
        (await pgbench(ctx, { script: "append-locked.sql", clients: 16, variables: { ...variables, nsubjects: 1 } }))
          ?.tps ?? null,
    ),
  );

  // Every grant goes to a subject never granted before, so each records one event and one outbox
  // row: pgbench's random picks stay in the first half of the fresh subjects, ours in the second.
  const half = Math.floor(grantSubjects.length / 2);
  let nextGrant = half;
  figures.push(
    await measurePairs(
      ctx,
      {
        id: "grant-16",
        figure: "grantConsent with outbox row, 16 writers",
        unit: "grants/s",
        ceilingWhat: "pgbench -c 16 -M prepared, the same SQL (bench/pgbench/grant.sql)",
        kind: "throughput",
        target: "≥ 0.5",
      },
      () =>
        throughput(16, ctx.seconds, async () => {
          const subjectId = grantSubjects[nextGrant++];
          if (!subjectId) throw new Error("ran out of fresh subjects for grantConsent: raise grantCount");
          const result = await grantConsent(
            { subjectId, purposes: ["analytics"], policyVersionIds: [privacy.id], method: "portal" },
            PERSON,
          );
          if (result.events.length !== 1) throw new Error("a grant to a fresh subject should record one event");
        }),
      async () =>
        (
          await pgbench(ctx, {
            script: "grant.sql",
            clients: 16,
            variables: { ...variables, nsubjects: half },
          })
        )?.tps ?? null,
    ),
  );
  return figures;
}
