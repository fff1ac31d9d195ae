// Compliance search by email on the generated ledger's subjects: searchSubjects (its AccessLog
// row included) p50, beside pgbench running the same two statements (prepared; ADR 047).
import pg from "pg";
import { staffActor } from "../test/actors.js";
import { emailBlindIndexKey } from "../lib/crypto/ledger-keys.js";
import { searchSubjects } from "../lib/compliance/search-subjects.js";
import { measurePairs, percentile, pgbench, type BenchContext, type Figure } from "./harness.js";

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const owner = new pg.Client({ connectionString: ctx.ownerUrl });
  await owner.connect();
  await owner.query("CREATE EXTENSION IF NOT EXISTS pgcrypto");
  await owner.end();
  const actor = staffActor("auth0|bench-staff");
  // Every searched address is in the ledger, so the Auth0 directory is never asked.
  const directory = { findByEmail: () => Promise.resolve([]), findById: () => Promise.resolve(null) };
  const searches = ctx.tiny ? 50 : 1_000;
  const randomEmail = () => `Bench-${Math.floor(Math.random() * ctx.subjects)}@Example.com`;
  for (let warm = 0; warm < 10; warm += 1) await searchSubjects(actor, { email: randomEmail() }, { directory });

  const figure = await measurePairs(
    ctx,
    {
      id: "search-email-p50",
      figure: `compliance search by email, ${ctx.subjects.toLocaleString("en")} subjects, p50`,
      unit: "ms",
      ceilingWhat: "pgbench -c 1 -M prepared, the same two statements, p50",
      kind: "latency",
      target: "≤ 2× (ratio ≥ 0.5)",
    },
    async () => {
      const times: number[] = [];
      for (let search = 0; search < searches; search += 1) {
        const started = performance.now();
        const result = await searchSubjects(actor, { email: randomEmail() }, { directory });
        times.push(performance.now() - started);
        if (result.subjects.length !== 1) throw new Error("every bench address belongs to one subject");
      }
      return percentile(times, 0.5);
    },
    async () => {
      const result = await pgbench(ctx, {
        script: "search-email.sql",
        clients: 1,
        transactions: searches,
        latencies: true,
        variables: { nsubjects: ctx.subjects - 1, key: emailBlindIndexKey().toString("hex") },
      });
      return result ? percentile(result.latenciesMs, 0.5) : null;
    },
  );
  return [figure];
}
