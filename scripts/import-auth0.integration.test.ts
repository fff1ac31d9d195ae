// `npm run import:auth0` as an operator runs it: against the emulator's Management API (an
// export job, waited for, downloaded and imported), then again (nothing new), then from a file.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { seedCatalog } from "@/test/consent-fixtures";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { TEST_ENV } from "@/test/test-env";

let tenant: TestTenant;

beforeAll(async () => {
  await seedCatalog();
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "read:connections"],
    exportJobDelayMs: 20,
  });
  await tenant.managementClient().users.create({
    connection: "Username-Password-Authentication",
    email: "script.import@example.com",
    password: "Str0ng-enough-pass",
    user_metadata: { consent: { given: true, date: "01/23/2018", text_details: "some-url" } },
  });
});

afterAll(async () => {
  await tenant?.close();
});

function importAuth0(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/import-auth0.ts", ...args], {
    env: {
      ...TEST_ENV,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: process.env.DATABASE_URL,
      AUTH0_DOMAIN: tenant.credentials.domain,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("npm run import:auth0", () => {
  // Three runs of the script, each starting tsx and the portal's modules: seconds each on 2 busy cores.
  it(
    "runs an export job, imports it, recognises it on a re-run, and imports a gzipped file with its bad lines",
    { timeout: 180_000 },
    async () => {
      const first = await importAuth0(["--json"]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain("Export downloaded; importing.");
      expect(JSON.parse(first.stdout)).toMatchObject({ lines: 1, imported: 1, events: 1, rejectedCount: 0 });
      expect(await db().consentEvent.count({ where: { method: "migration" } })).toBe(1);

      const again = await importAuth0([]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain("Read 1 users: 0 imported (0 events), 1 already imported, 0 skipped, 0 rejected.");

      const file = join(mkdtempSync(join(tmpdir(), "import-")), "export.ndjson.gz");
      const user = (id: string, date: string) =>
        JSON.stringify({ user_id: id, email: `${id.slice(6)}@example.com`, consent: { given: true, date } });
      writeFileSync(
        file,
        gzipSync([user("auth0|from-file", "2019-05-01"), "garbage", user("auth0|bad", "soon")].join("\n")),
      );
      const fromFile = await importAuth0(["--file", file]);
      expect(fromFile.code, fromFile.stderr).toBe(0);
      expect(fromFile.stdout).toContain(
        "Read 3 users: 1 imported (1 events), 0 already imported, 0 skipped, 2 rejected.",
      );
      expect(fromFile.stdout).toContain("✖ line 2: not valid JSON");
      expect(fromFile.stdout).toContain('✖ line 3: consent.date "soon" is neither MM/DD/YYYY nor ISO 8601');
    },
  );
});
