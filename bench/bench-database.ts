// A throw-away embedded PostgreSQL for a benchmark: migrated, with the portal's test
// configuration pointing at it as the portal's own role; bulk data is generated as the owner.
// Import the portal's modules only after this resolves.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../scripts/db/embedded-postgres.js";
import { migrate } from "../scripts/db/migrate.js";
import { freePort } from "../test/free-port.js";
import { TEST_ENV } from "../test/test-env.js";

export async function startBenchDatabase(
  name: string,
): Promise<{ url: string; ownerUrl: string; stop: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), `${name}-bench-`));
  // The embedded server runs as the postgres user when we are root: it must reach the directory.
  chmodSync(root, 0o755);
  const dataDir = join(root, "postgres");
  const password = () => randomBytes(18).toString("base64url");
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    database: "bench",
    passwords: { superuser: password(), owner: password(), app: password() },
  });
  Object.assign(process.env, TEST_ENV, { DATABASE_URL: server.url });
  await migrate(server.ownerUrl);
  return {
    url: server.url,
    ownerUrl: server.ownerUrl,
    stop: async () => {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
