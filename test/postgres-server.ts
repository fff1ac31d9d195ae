import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port";

/** Debian's PostgreSQL 15 server binaries (`apt-get install postgresql-15`). */
export const POSTGRES_15_BIN = process.env.POSTGRES_15_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts a throw-away PostgreSQL cluster from a directory of server binaries. */
export async function startPostgresServer(binDir: string): Promise<PostgresServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "consent-pg-"));
  // PostgreSQL refuses to run as root: run it as the `postgres` user then.
  const asUser: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    asUser.uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    asUser.gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dataDir, asUser.uid, asUser.gid);
  }
  execFileSync(join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"], {
    ...asUser,
    stdio: "ignore",
  });
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(binDir, "postgres"),
    ["-D", dataDir, "-p", String(port), "-k", dataDir, "-c", "listen_addresses=localhost"],
    {
      ...asUser,
      stdio: "ignore",
    },
  );
  const url = `postgresql://postgres@localhost:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      if (Date.now() > deadline || server.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.once("exit", () => resolve());
        server.kill("SIGINT");
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
