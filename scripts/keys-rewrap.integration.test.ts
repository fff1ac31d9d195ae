// `npm run keys:rewrap` as an operator runs it: killed mid-run (SIGKILL while a batch waits on a
// row lock), run again, finished, and the old key retired, with every profile readable throughout.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { masterKeyId, wrappingKeyId } from "@/lib/crypto/wrapped-data-key";
import { db } from "@/lib/db/client";
import { openProfile } from "@/lib/subjects/subject-profile";
import { registerWebhookEndpoint } from "@/lib/webhooks/register-webhook-endpoint";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-webhook-secret";
import { openWebhookSecret } from "@/lib/webhooks/webhook-secret";
import { adminActor } from "@/test/actors";
import { newSubject } from "@/test/consent-fixtures";
import { switchToTestKeysFile } from "@/test/keys-file";
import { TEST_ENV } from "@/test/test-env";

const keysFile = switchToTestKeysFile();

function rewrap(args: string[]) {
  const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/keys-rewrap.ts", ...args], {
    env: {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOCAL_STACK_IGNORE_DOTENV: "1",
      DATA_DIR: mkdtempSync(join(tmpdir(), "rewrap-")),
      DATABASE_URL: process.env.DATABASE_URL,
      KEYS_FILE: keysFile,
    },
    // Its own process group: tsx runs the script in a child process, and a kill must reach both.
    detached: true,
  });
  let output = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const waiter of waiters.filter((candidate) => output.includes(candidate.text))) waiter.resolve();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    printed: (text: string) =>
      new Promise<void>((resolve) => (output.includes(text) ? resolve() : waiters.push({ text, resolve }))),
  };
}

async function lockWaiters(): Promise<number> {
  const [row] = await db().$queryRaw<[{ waiting: bigint }]>`
    SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return Number(row.waiting);
}

const keyIds = async () =>
  (await db().subject.findMany({ orderBy: { id: "asc" } })).map((row) => wrappingKeyId(row.wrappedKey!));
const emails = async () =>
  (await db().subject.findMany()).map((row) => openProfile(row)?.email ?? null).sort((a, b) => a!.localeCompare(b!));

describe("npm run keys:rewrap", () => {
  it("survives being killed mid-run, continues when run again, then retires the old key", async () => {
    const people = [];
    for (let index = 0; index < 40; index += 1) people.push(await newSubject("killed-rewrap"));
    const expected = people.map((person) => person.email).sort((a, b) => a!.localeCompare(b!));
    const ids = people.map((person) => person.id).sort();
    const keyA = masterKeyId(Buffer.from(TEST_ENV.LEDGER_MASTER_KEY, "hex"));

    // The 23rd subject is locked (as a request changing it would), so the 5th batch of 5 waits.
    const blocker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query(`SELECT 1 FROM "Subject" WHERE id = $1 FOR UPDATE`, [ids[22]]);
    const first = rewrap(["--batch-size", "5"]);
    await first.printed("rewrapped 20, 20 to go");
    while ((await lockWaiters()) === 0) await new Promise((resolve) => setImmediate(resolve));
    process.kill(-first.child.pid!, "SIGKILL");
    await first.exited;
    await blocker.query("ROLLBACK");
    await blocker.end();

    const stored = JSON.parse(readFileSync(keysFile, "utf8")) as Record<string, string | string[]>;
    expect(stored.LEDGER_PREVIOUS_MASTER_KEYS).toEqual([TEST_ENV.LEDGER_MASTER_KEY]);
    const keyB = masterKeyId(Buffer.from(stored.LEDGER_MASTER_KEY as string, "hex"));
    expect(first.output()).toContain("Rewrapping 40 subject(s) under master key " + keyB);
    // The killed batch left nothing half done: 20 moved, 20 untouched, all readable.
    const midway = await keyIds();
    expect(midway.slice(0, 20).every((id) => id === keyB)).toBe(true);
    expect(midway.slice(20).every((id) => id === keyA)).toBe(true);
    expect(await emails()).toEqual(expected);

    const second = rewrap([]);
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain("Rewrapping 20 subject(s)");
    expect(second.output()).toMatch(/Rewrapped 20 subject\(s\) in [\d.]+ s; 0 left\./);
    expect((await keyIds()).every((id) => id === keyB)).toBe(true);

    const retire = rewrap(["--retire-previous"]);
    expect(await retire.exited).toBe(0);
    expect(retire.output()).toContain("Previous master keys removed");
    expect(JSON.parse(readFileSync(keysFile, "utf8"))).toMatchObject({ LEDGER_PREVIOUS_MASTER_KEYS: [] });
    expect(await emails()).toEqual(expected);
  });

  it("rewraps webhook secrets too (the current one and the previous one of a rotation), so the old key can be retired", async () => {
    const admin = adminActor("auth0|rewrap-admin");
    const { endpoint, secret: first } = await registerWebhookEndpoint(
      { url: "https://93.184.215.14/hooks", events: ["consent.granted"] },
      admin,
    );
    const { secret: second } = await rotateWebhookSecret({ endpointId: endpoint.id, overlapHours: 24 }, admin);
    const sealedBy = async () => {
      const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      return {
        keys: [wrappingKeyId(row.secretSealed), wrappingKeyId(row.previousSecretSealed!)],
        secrets: [
          openWebhookSecret(endpoint.id, row.secretSealed),
          openWebhookSecret(endpoint.id, row.previousSecretSealed!),
        ],
      };
    };
    const currentKeyId = () =>
      masterKeyId(
        Buffer.from(
          (JSON.parse(readFileSync(keysFile, "utf8")) as { LEDGER_MASTER_KEY: string }).LEDGER_MASTER_KEY,
          "hex",
        ),
      );
    const oldKey = currentKeyId();
    expect(await sealedBy()).toEqual({ keys: [oldKey, oldKey], secrets: [second, first] });

    // A new rotation: subjects and webhook secrets move to the new key.
    const run = rewrap([]);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("Rewrapped 2 webhook secret(s) of 1 endpoint(s).");
    const newKey = currentKeyId();
    expect(newKey).not.toBe(oldKey);
    expect(await sealedBy()).toEqual({ keys: [newKey, newKey], secrets: [second, first] });
    const change = await db().adminChange.findFirst({ where: { action: "keys.rewrap_webhook_secrets" } });
    expect(change).toMatchObject({
      target: `LEDGER_MASTER_KEY ${newKey}`,
      before: { [oldKey]: 2 },
      after: { endpoints: 1, secrets: 2 },
    });

    // Retired: the secrets still open with the new key alone, and sign as before.
    const retire = rewrap(["--retire-previous"]);
    expect(await retire.exited).toBe(0);
    expect(JSON.parse(readFileSync(keysFile, "utf8"))).toMatchObject({ LEDGER_PREVIOUS_MASTER_KEYS: [] });
    expect((await sealedBy()).secrets).toEqual([second, first]);
  });
});
