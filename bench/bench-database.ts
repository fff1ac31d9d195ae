// A throw-away embedded PostgreSQL for a benchmark: migrated, with the portal's test
// configuration pointing at it. Import the portal's modules only after this resolves.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../scripts/db/embedded-postgres.js";
import { migrate } from "../scripts/db/migrate.js";
import { freePort } from "../test/free-port.js";
import { TEST_ENV } from "../test/test-env.js";

export async function startBenchDatabase(name: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-bench-`));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: "bench" });
  Object.assign(process.env, TEST_ENV, { DATABASE_URL: server.url });
  await migrate(server.url);
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
