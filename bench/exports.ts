// Event export as CSV over HTTP (the stream the download route returns, on a bare HTTP server,
// read by curl in its own process) beside psql's \copy of the route's own SELECT as CSV, and
// this process's RSS growth during the export (sampled every 10 ms): it must stay flat.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { openLedgerExport } from "../lib/exports/open-ledger-export.js";
import { closeExportPool } from "../lib/exports/export-pool.js";
import { buildExportQuery } from "../lib/exports/export-query.js";
import { measurePairs, psql, type BenchContext, type Figure } from "./harness.js";

const MB = 1024 * 1024;

/** Downloads with curl (its memory is not ours); resolves when the body is read. */
function curl(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("curl", ["-sS", "-f", "-o", "/dev/null", url]);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`curl exited ${code}`))));
  });
}

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const client = new pg.Client({ connectionString: ctx.url });
  await client.connect();
  const events = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "ConsentEvent"`)).rows[0]!.n);
  await client.end();

  const http = createServer((_request, response) => {
    openLedgerExport({ dataset: "consent_events", format: "csv" }).then(
      async (exported) => {
        response.writeHead(200, { "content-type": exported.contentType });
        await pipeline(exported.stream, response);
      },
      (error: unknown) => {
        console.error(error);
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as { port: number }).port}/`;
  const rssGrowth: number[] = [];
  try {
    await curl(url); // warm-up
    const query = buildExportQuery({ dataset: "consent_events", format: "csv" });
    const rate = await measurePairs(
      ctx,
      {
        id: "export-csv",
        figure: `event export as CSV over HTTP, ${events.toLocaleString("en")} rows`,
        unit: "rows/s",
        ceilingWhat: "psql \\copy of the route's SELECT as CSV",
        kind: "throughput",
        target: "≥ 0.7",
      },
      async () => {
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
        const started = performance.now();
        await curl(url);
        const seconds = (performance.now() - started) / 1000;
        clearInterval(sampler);
        rssGrowth.push((peak - baseline) / MB);
        return events / seconds;
      },
      async () => {
        const started = performance.now();
        await psql(
          ctx,
          ctx.url,
          `\\copy (${query.text.replace(/\s+/g, " ")}) TO '/dev/null' WITH (FORMAT csv, HEADER)`,
        );
        return events / ((performance.now() - started) / 1000);
      },
    );
    const memory: Figure = {
      id: "export-rss",
      figure: "RSS growth of the exporting process during the export (largest of the runs)",
      value: Math.max(...rssGrowth),
      unit: "MB",
      ceiling: null,
      ceilingWhat: "none",
      kind: "latency",
      ratio: null,
      target: "flat: a few MB whatever the row count",
    };
    return [rate, memory];
  } finally {
    http.close();
    await closeExportPool();
  }
}
