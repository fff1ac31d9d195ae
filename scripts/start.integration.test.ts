// `npm start` fails with one clear line, not a stack trace, when it cannot run.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/test/free-port";

function dataDir(): string {
  // The embedded server runs as the postgres user when we are root: it must reach the directory.
  const dir = mkdtempSync(join(tmpdir(), "start-test-"));
  chmodSync(dir, 0o755);
  return dir;
}

function start(env: Record<string, string>) {
  const result = spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/start.ts", "--no-build"], {
    env: {
      NODE_ENV: "development",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOCAL_STACK_IGNORE_DOTENV: "1",
      DATA_DIR: dataDir(),
      ...env,
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe("npm start", () => {
  let blocker: Server;
  let busyPort: number;
  beforeAll(async () => {
    busyPort = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(busyPort, "localhost", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it("names the busy port and the variable to change", async () => {
    const { status, stderr } = start({ PORT: String(busyPort), EMULATOR_PORT: String(await freePort()) });
    expect(status).toBe(1);
    expect(stderr.trim()).toBe(
      `✖ Port ${busyPort} is already in use: stop the program using it, or set PORT to a free port.`,
    );
  });

  it("names a missing secret for a real tenant in one line per variable", async () => {
    const { status, stderr } = start({
      PORT: String(await freePort()),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      WITNESS_PORT: String(await freePort()),
      AUTH0_DOMAIN: "https://example-tenant.eu.auth0.com",
      AUTH0_CLIENT_ID: "abc",
    });
    expect(status).toBe(1);
    // Refused before anything starts: the configuration is checked first.
    expect(stderr.trim()).toBe(
      "✖ Invalid configuration:\n  AUTH0_CLIENT_SECRET: AUTH0_CLIENT_SECRET is missing: the portal's application client secret\n" +
        "  AUTH0_MGMT_CLIENT_ID: AUTH0_MGMT_CLIENT_ID is missing: the Management API client id\n" +
        "  AUTH0_MGMT_CLIENT_SECRET: AUTH0_MGMT_CLIENT_SECRET is missing: the Management API client secret",
    );
  });
});
