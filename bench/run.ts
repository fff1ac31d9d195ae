// `npm run bench`: every benchmark against a PostgreSQL it starts, each figure beside its ceiling
// measured in the same run (pgbench running the same SQL, prepared; COPY), then
// bench/results.json and the table in bench/README.md.
//   npm run bench                      full size (--subjects 250000: a 1M-event ledger), 3 pairs
//   npm run bench -- --subjects 1000000 --seconds 20
//   npm run bench -- --tiny            a few hundred rows, 1 pair, 1 s runs (what `npm test` runs)
//   npm run bench -- --only appends,search --out /tmp/results.json
import { spawnSync } from "node:child_process";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { switchToTestKeysFile } from "../test/keys-file.js";
import { startBenchDatabase } from "./bench-database.js";
import { findPgTools, formatFigure, type BenchContext, type Figure } from "./harness.js";

const { values } = parseArgs({
  options: {
    tiny: { type: "boolean", default: false },
    subjects: { type: "string" },
    seconds: { type: "string" },
    pairs: { type: "string" },
    "proof-leaves": { type: "string" },
    "log-leaves": { type: "string" },
    only: { type: "string" },
    out: { type: "string" },
  },
});
const tiny = values.tiny;
const MODULES = [
  "ledger",
  "driver",
  "transparency-log",
  "verification",
  "exports",
  "search",
  "api-read",
  "appends",
  "keys-rewrap",
  "proofs",
  "api-http",
];
const EXPECTED = [
  "log-integration",
  "log-verification",
  "log-verification-cpu",
  "verification",
  "verification-workers",
  "verification-all-rows",
  "verification-linearity",
  "hash-loop",
  "export-csv",
  "export-rss",
  "search-email-p50",
  "api-consent-read-p99",
  "api-consent-read-p50",
  "driver-statement",
  "driver-transaction",
  "appends-1",
  "appends-16",
  "appends-hot-16",
  "grant-16",
  "keys-rewrap",
  "inclusion-proof-p99",
];
const only = values.only ? values.only.split(",") : MODULES;
const outFile = values.out ?? join(import.meta.dirname, "results.json");

const database = await startBenchDatabase("bench");
// Keys from a keys file, as `npm start` runs the portal (and the rewrap needs a provider it can rotate).
switchToTestKeysFile();
const ctx: BenchContext = {
  url: database.url,
  ownerUrl: database.ownerUrl,
  subjects: Number(values.subjects ?? (tiny ? 200 : 250_000)),
  seconds: Number(values.seconds ?? (tiny ? 1 : 10)),
  pairs: Number(values.pairs ?? (tiny ? 1 : 3)),
  tiny,
  tools: findPgTools(),
};
const figures: Figure[] = [];
const notes: string[] = [];
const started = new Date();
const load = loadavg();

const { db } = await import("../lib/db/client.js");
const { seedConsentCatalog } = await import("../lib/demo/consent-catalog.js");
try {
  await db().$transaction((tx) => seedConsentCatalog(tx));
  const [server] = await db().$queryRaw<Array<{ version: string }>>`SELECT version()`;
  if (!ctx.tools.pgbench)
    notes.push("pgbench not found: ceilings measured by pgbench are missing (install postgresql-15).");

  const { generateLedger } = await import("./ledger-data.js");
  console.log(`Generating a ledger of ${ctx.subjects.toLocaleString("en")} subjects (4 events each) with COPY…`);
  const generateSeconds = await generateLedger(ctx, ctx.subjects);
  notes.push(
    `Ledger of ${ctx.subjects.toLocaleString("en")} subjects and ${(ctx.subjects * 4).toLocaleString("en")} events generated with COPY in ${generateSeconds.toFixed(1)} s.`,
  );
  console.log(notes.at(-1));

  const run = async (name: string, load: () => Promise<{ run: (ctx: BenchContext) => Promise<Figure[]> }>) => {
    if (!only.includes(name)) return;
    console.log(`\n▶ ${name}`);
    figures.push(...(await (await load()).run(ctx)));
  };
  await run("transparency-log", async () => {
    const { logIntegrationAndVerification } = await import("./transparency-log.js");
    return {
      // Each pair integrates its share of the queue and leaves as much again for its ceiling.
      run: (ctx) =>
        logIntegrationAndVerification(
          ctx,
          Number(values["log-leaves"] ?? Math.min(200_000, Math.floor((ctx.subjects * 4) / (2 * ctx.pairs)))),
        ),
    };
  });
  await run("driver", () => import("./driver-overhead.js"));
  await run("verification", () => import("./verification.js"));
  await run("exports", () => import("./exports.js"));
  await run("search", () => import("./compliance-search.js"));
  await run("api-read", () => import("./api-consent-read.js"));
  await run("appends", () => import("./appends.js"));
  await run("keys-rewrap", () => import("./keys-rewrap.js"));
  // Last: it writes a synthetic 10M-leaf tree of tiles over the log's own.
  await run("proofs", async () => {
    const { inclusionProofs } = await import("./transparency-log.js");
    return { run: (ctx) => inclusionProofs(ctx, Number(values["proof-leaves"] ?? (tiny ? 5_000 : 10_000_000))) };
  });
  if (only.includes("api-http")) {
    console.log("\n▶ api-http");
    figures.push(measureApiOverHttp());
  }

  const results = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: { subjects: ctx.subjects, events: ctx.subjects * 4, seconds: ctx.seconds, pairs: ctx.pairs, tiny },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadAverageAtStart: load.map((value) => Number(value.toFixed(2))),
      node: process.version,
      postgres: server?.version ?? "unknown",
      pgbench: ctx.tools.pgbenchVersion,
    },
    notes,
    figures,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${outFile}`);
  // What `npm test` relies on: every figure of the modules that ran has a value (none is timed).
  const missing = figures.filter((figure) => figure.value === null && figure.id !== "api-http");
  if (only === MODULES)
    missing.push(
      ...EXPECTED.filter((id) => !figures.some((figure) => figure.id === id)).map((id) => ({ id }) as Figure),
    );
  if (missing.length) {
    console.error(`Figures without a value: ${missing.map((figure) => figure.id).join(", ")}`);
    process.exitCode = 1;
  }
  if (!values.out && !tiny) {
    const { renderReadmeTable } = await import("./readme-table.js");
    const readme = join(import.meta.dirname, "README.md");
    // Formatted as the repository's check wants it, so a committed run passes `prettier --check`.
    const prettier = await import("prettier");
    const table = renderReadmeTable(readFileSync(readme, "utf8"), results);
    const options = { ...(await prettier.resolveConfig(readme)), filepath: readme };
    writeFileSync(readme, await prettier.format(table, options));
    console.log(`Updated ${readme}`);
  }
} finally {
  await db().$disconnect();
  await database.stop();
}

/**
 * The consent API over HTTP, in a process of its own (bench/api-http.ts: it starts the portal's
 * production build with its own database). Not in the tiny run: that needs a build `npm test`
 * makes only later, in its e2e stage.
 */
function measureApiOverHttp(): Figure {
  const figure: Figure = {
    id: "api-http",
    figure: "consent API over HTTP (autocannon)",
    value: null,
    unit: "requests/s",
    ceiling: null,
    ceilingWhat: "–",
    kind: "throughput",
    ratio: null,
    target: "information",
  };
  if (tiny) return { ...figure, note: "not measured in the tiny run (it needs a production build)" };
  const out = join(mkdtempSync(join(tmpdir(), "api-http-")), "figure.json");
  // The stack it starts configures its own keys: this process's keys file would clash with them.
  const { KEYS_FILE: _keysFile, ...childEnv } = process.env;
  const child = spawnSync(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      join(import.meta.dirname, "api-http.ts"),
      String(ctx.seconds),
      String(ctx.pairs),
      out,
    ],
    { stdio: "inherit", env: childEnv },
  );
  if (child.status !== 0) return { ...figure, note: `bench/api-http.ts failed (exit ${child.status})` };
  const measured = JSON.parse(readFileSync(out, "utf8")) as Figure;
  console.log(formatFigure(measured));
  return measured;
}
