// What every benchmark module shares: the run's settings, figures with their ceilings, pairs
// (project run, then ceiling run, median of the ratios), and the PostgreSQL client tools
// (pgbench, psql) that measure the ceilings and load data with COPY.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BenchContext {
  /** The portal's login role (what the portal's code and the pgbench ceilings use). */
  url: string;
  /** The owner role: bulk data and helper tables. */
  ownerUrl: string;
  /** Subjects in the generated ledger (4 events each). */
  subjects: number;
  /** Seconds per timed throughput run. */
  seconds: number;
  /** Project/ceiling pairs per figure (the ratio is the median of the pairs' ratios). */
  pairs: number;
  tiny: boolean;
  tools: PgTools;
}

export interface Figure {
  id: string;
  figure: string;
  value: number | null;
  unit: string;
  ceiling: number | null;
  ceilingWhat: string;
  /** Throughput: ratio = value ÷ ceiling. Latency: ratio = ceiling ÷ value (so higher is better for both). */
  kind: "throughput" | "latency";
  ratio: number | null;
  target: string;
  note?: string;
}

export interface PgTools {
  pgbench: string | null;
  psql: string | null;
  pgbenchVersion: string | null;
}

/** pgbench and psql from PG_BIN, Debian's PostgreSQL 15 (what `.ci/run` installs), or the PATH. */
export function findPgTools(): PgTools {
  const dirs = [process.env.PG_BIN, "/usr/lib/postgresql/15/bin"].filter(Boolean) as string[];
  const postgresDir = "/usr/lib/postgresql";
  if (existsSync(postgresDir)) {
    for (const version of readdirSync(postgresDir).sort().reverse()) dirs.push(join(postgresDir, version, "bin"));
  }
  const find = (name: string) => {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
    const which = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    return which.status === 0 ? which.stdout.trim() : null;
  };
  const pgbench = find("pgbench");
  const version = pgbench ? spawnSync(pgbench, ["--version"], { encoding: "utf8" }).stdout.trim() : null;
  return { pgbench, psql: find("psql"), pgbenchVersion: version };
}

/** libpq's environment for a postgresql:// URL (pgbench takes no URL with -f scripts' variables cleanly). */
function libpqEnv(url: string): Record<string, string> {
  const parsed = new URL(url);
  return {
    // A `host` parameter is a socket directory (or host) that wins over the URL's host, as in libpq.
    PGHOST: parsed.searchParams.get("host") ?? (parsed.hostname === "localhost" ? "127.0.0.1" : parsed.hostname),
    PGPORT: parsed.port || "5432",
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
    PGDATABASE: parsed.pathname.slice(1),
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
};

/**
 * Runs the project's measurement then its ceiling's, `ctx.pairs` times back to back, and builds
 * the figure: medians of each side and the median of the per-pair ratios.
 */
export async function measurePairs(
  ctx: BenchContext,
  base: Omit<Figure, "value" | "ceiling" | "ratio">,
  project: () => Promise<number>,
  ceiling: (() => Promise<number | null>) | null,
): Promise<Figure> {
  const values: number[] = [];
  const ceilings: number[] = [];
  const ratios: number[] = [];
  for (let pair = 0; pair < ctx.pairs; pair += 1) {
    const value = await project();
    values.push(value);
    const limit = ceiling ? await ceiling() : null;
    if (limit !== null) {
      ceilings.push(limit);
      ratios.push(base.kind === "throughput" ? value / limit : limit / value);
    }
  }
  const figure: Figure = {
    ...base,
    value: median(values),
    ceiling: ceilings.length ? median(ceilings) : null,
    ratio: ratios.length ? median(ratios) : null,
  };
  console.log(formatFigure(figure));
  return figure;
}

export function formatFigure(figure: Figure): string {
  const number = (value: number | null) =>
    value === null ? "–" : value >= 100 ? Math.round(value).toLocaleString("en") : value.toFixed(2);
  return `${figure.figure}: ${number(figure.value)} ${figure.unit}; ceiling ${number(figure.ceiling)} (${figure.ceilingWhat}); ratio ${figure.ratio === null ? "–" : figure.ratio.toFixed(2)}; target ${figure.target}`;
}

/** Runs `work` concurrently in `writers` loops for `seconds`; returns completed calls per second. */
export async function throughput(writers: number, seconds: number, work: (writer: number) => Promise<unknown>) {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      while (performance.now() < deadline) {
        await work(writer);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

interface PgbenchRun {
  script: string;
  clients: number;
  seconds?: number;
  transactions?: number;
  variables?: Record<string, string | number>;
  /** Per-transaction latencies (ms), from pgbench's transaction log. */
  latencies?: boolean;
}

/** pgbench with a script from bench/pgbench, prepared statements; tps and optionally latencies. */
export async function pgbench(
  ctx: BenchContext,
  run: PgbenchRun,
): Promise<{ tps: number; latenciesMs: number[] } | null> {
  if (!ctx.tools.pgbench) return null;
  const logDir = mkdtempSync(join(tmpdir(), "pgbench-log-"));
  const args = [
    "-n",
    "-M",
    "prepared",
    "-c",
    String(run.clients),
    "-j",
    String(Math.min(run.clients, 2)),
    "-f",
    join(import.meta.dirname, "pgbench", run.script),
    // --tiny counts transactions: on a loaded machine a 1 s run may finish none.
    ...(run.transactions || ctx.tiny
      ? ["-t", String(run.transactions ?? 3)]
      : ["-T", String(run.seconds ?? ctx.seconds)]),
    ...Object.entries(run.variables ?? {}).flatMap(([name, value]) => ["-D", `${name}=${value}`]),
    ...(run.latencies ? ["--log", `--log-prefix=${join(logDir, "tx")}`] : []),
  ];
  const { code, stdout, stderr } = await runTool(ctx.tools.pgbench, args, libpqEnv(ctx.url));
  try {
    if (code !== 0) throw new Error(`pgbench ${run.script} exited ${code}: ${stderr}${stdout}`);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`pgbench ${run.script}: no tps in ${stdout}`);
    const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    if (failed > 0) throw new Error(`pgbench ${run.script}: ${failed} failed transactions\n${stdout}`);
    const latenciesMs: number[] = [];
    if (run.latencies) {
      for (const file of readdirSync(logDir)) {
        // client_id transaction_no time script_no time_epoch time_us: time is the latency in µs.
        for (const line of readFileSync(join(logDir, file), "utf8").split("\n")) {
          const fields = line.split(" ");
          if (fields.length >= 3) latenciesMs.push(Number(fields[2]) / 1000);
        }
      }
    }
    return { tps, latenciesMs };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

/** psql running one command (e.g. `\copy … TO '/dev/null'`); throws on failure. */
export async function psql(
  ctx: BenchContext,
  url: string,
  command: string,
  input?: Iterable<string> | AsyncIterable<string>,
) {
  if (!ctx.tools.psql) throw new Error("psql not found: install postgresql-client (or set PG_BIN)");
  const { code, stderr } = await runTool(
    ctx.tools.psql,
    ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", command],
    libpqEnv(url),
    input,
  );
  if (code !== 0) throw new Error(`psql ${command.slice(0, 80)}… exited ${code}: ${stderr}`);
}

function runTool(
  command: string,
  args: string[],
  env: Record<string, string>,
  input?: Iterable<string> | AsyncIterable<string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    if (!input) {
      child.stdin.end();
      return;
    }
    void (async () => {
      for await (const chunk of input) {
        if (!child.stdin.write(chunk)) await new Promise((resume) => child.stdin.once("drain", resume));
      }
      child.stdin.end();
    })().catch(reject);
  });
}

/** One COPY text-format field. */
export function copyField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  return String(value).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}
