// What one statement and one transaction cost through the portal's database client (Prisma 7
// with @prisma/adapter-pg) beside the same through `pg` alone: the floor under every figure whose
// work is a few short statements (search, the consent API's read, appends). CPU per call is
// reported in the note: the client's side is CPU, not waiting.
import pg from "pg";
import { db } from "../lib/db/client.js";
import { measurePairs, type BenchContext, type Figure } from "./harness.js";

async function meanMs(calls: number, call: () => Promise<unknown>) {
  for (let warm = 0; warm < 50; warm += 1) await call();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < calls; index += 1) await call();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / calls, cpu: (used.user + used.system) / 1000 / calls };
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const calls = ctx.tiny ? 200 : 5_000;
  const client = new pg.Client({ connectionString: ctx.url });
  await client.connect();
  const cpu: Record<string, number> = {};
  try {
    const statement = await measurePairs(
      ctx,
      {
        id: "driver-statement",
        figure: "one statement (SELECT 1) through Prisma, mean",
        unit: "ms",
        ceilingWhat: "the same through pg alone, one connection",
        kind: "latency",
        target: "information: the floor under short reads",
      },
      async () => {
        const { wall, cpu: used } = await meanMs(calls, () => db().$queryRaw`SELECT 1`);
        cpu.statement = used;
        return wall;
      },
      async () => (await meanMs(calls, () => client.query("SELECT 1"))).wall,
    );
    const transaction = await measurePairs(
      ctx,
      {
        id: "driver-transaction",
        figure: "one transaction (BEGIN, SELECT 1, COMMIT) through Prisma's $transaction, mean",
        unit: "ms",
        ceilingWhat: "the same three statements through pg alone",
        kind: "latency",
        target: "information: the floor under every audited read and append",
      },
      async () => {
        const { wall, cpu: used } = await meanMs(calls, () => db().$transaction((tx) => tx.$queryRaw`SELECT 1`));
        cpu.transaction = used;
        return wall;
      },
      async () =>
        (
          await meanMs(calls, async () => {
            await client.query("BEGIN");
            await client.query("SELECT 1");
            await client.query("COMMIT");
          })
        ).wall,
    );
    statement.note = `Node CPU per call through Prisma: ${cpu.statement!.toFixed(3)} ms`;
    transaction.note = `Node CPU per call through Prisma: ${cpu.transaction!.toFixed(3)} ms`;
    return [statement, transaction];
  } finally {
    await client.end();
  }
}
