// The consent API's read of one person's consent (issue 14: p99 < 5 ms at 1M subjects):
// readPersonConsent by Auth0 user id, its AccessLog row included, p99 and p50, beside pgbench
// running the same two statements (bench/pgbench/api-consent-read.sql, prepared; ADR 045).
import type { Actor } from "../lib/auth/actor.js";
import { readPersonConsent } from "../lib/consent-api/read-person-consent.js";
import { measurePairs, percentile, pgbench, type BenchContext, type Figure } from "./harness.js";

const API_CLIENT: Actor = {
  kind: "api_client",
  id: "bench-api-client",
  roles: [],
  displayName: "bench",
  email: "",
  via: { type: "access_token", scopes: ["consent:read"] },
};

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const reads = ctx.tiny ? 100 : 5_000;
  const randomPerson = () => ({ auth0UserId: `auth0|bench-${Math.floor(Math.random() * ctx.subjects)}` });
  // Warm as a running server is: the pages a read touches cached, the statements prepared. With
  // 20 reads, the first pair's own run paid the cold cache that the pgbench run after it did not.
  const warmReads = ctx.tiny ? 20 : 2_000;
  for (let warm = 0; warm < warmReads; warm += 1) await readPersonConsent(randomPerson(), API_CLIENT);

  let ours: number[] = [];
  let theirs: number[] = [];
  const measure = async () => {
    ours = [];
    for (let read = 0; read < reads; read += 1) {
      const started = performance.now();
      const consent = await readPersonConsent(randomPerson(), API_CLIENT);
      ours.push(performance.now() - started);
      if (consent.purposes.length === 0) throw new Error("every bench subject has purposes to read");
    }
  };
  const ceiling = async () => {
    const result = await pgbench(ctx, {
      script: "api-consent-read.sql",
      clients: 1,
      transactions: reads,
      latencies: true,
      variables: { nsubjects: ctx.subjects - 1 },
    });
    theirs = result?.latenciesMs ?? [];
    return result;
  };
  const base = {
    unit: "ms",
    ceilingWhat: "pgbench -c 1 -M prepared, the same two statements (the read, then the log row)",
    kind: "latency" as const,
  };
  const p99 = await measurePairs(
    ctx,
    {
      ...base,
      id: "api-consent-read-p99",
      figure: `consent API: one person's consent (readPersonConsent), ${ctx.subjects.toLocaleString("en")} subjects, p99`,
      target: "< 5 ms at 1M subjects",
    },
    async () => {
      await measure();
      return percentile(ours, 0.99);
    },
    async () => ((await ceiling()) ? percentile(theirs, 0.99) : null),
  );
  // The p50 of the same reads (the last pair's), for the shape of the distribution.
  const p50: Figure = {
    ...base,
    id: "api-consent-read-p50",
    figure: `consent API: one person's consent, ${ctx.subjects.toLocaleString("en")} subjects, p50 (last pair)`,
    value: percentile(ours, 0.5),
    ceiling: theirs.length ? percentile(theirs, 0.5) : null,
    ratio: theirs.length ? percentile(theirs, 0.5) / percentile(ours, 0.5) : null,
    target: "information",
  };
  return [p99, p50];
}
