// `npm run receipt:verify` as a person runs it: on files on disk, offline, answering with its exit code.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReceiptProofFixture, type ReceiptProofFixture } from "@/test/receipt-proof-fixture";

let fixture: ReceiptProofFixture;
const dir = mkdtempSync(join(tmpdir(), "receipt-verify-"));

beforeAll(async () => {
  fixture = await buildReceiptProofFixture();
  writeFileSync(join(dir, "receipt.json"), JSON.stringify(fixture.file, null, 2));
  writeFileSync(join(dir, "jwks.json"), JSON.stringify(fixture.jwks));
  const tampered = structuredClone(fixture.file);
  tampered.proof.leafIndex = 3;
  writeFileSync(join(dir, "tampered.json"), JSON.stringify(tampered));
});

function run(args: string[]) {
  const result = spawnSync("npm", ["run", "--silent", "receipt:verify", "--", ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run receipt:verify", () => {
  it("prints every check and exits 0 for a valid receipt", () => {
    const { status, stdout } = run([
      join(dir, "receipt.json"),
      "--log-key",
      fixture.logKey,
      "--witness-key",
      fixture.witnessKeys[0]!,
      "--witness-key",
      fixture.witnessKeys[1]!,
      "--quorum",
      "2",
      "--jwks",
      join(dir, "jwks.json"),
    ]);
    expect(stdout).toContain(
      "✔ The portal signed this receipt: The signature verifies with the portal's published signing key.",
    );
    expect(stdout).toContain(
      "✔ The decision is recorded in the log: The inclusion proof places this entry at position 4 of the 7 entries of the checkpointed tree.",
    );
    expect(stdout).toMatch(
      /✔ Independent witnesses confirmed that tree: Cosigned by 2 of the 2 witnesses you trust \(needed: 2\)/,
    );
    expect(stdout.trim().split("\n").at(-1)).toBe("The receipt is proven.");
    expect(status).toBe(0);
  });

  it("names the failing check and exits 1 for a tampered receipt", () => {
    const { status, stdout } = run([
      join(dir, "tampered.json"),
      "--log-key",
      fixture.logKey,
      "--witness-key",
      fixture.witnessKeys[0]!,
    ]);
    expect(stdout).toContain(
      "✖ The decision is recorded in the log: The inclusion proof does not lead from this entry to the checkpoint's root",
    );
    expect(stdout).toContain("· The portal's signature (jws) was not checked: pass --jwks FILE");
    expect(stdout.trim().split("\n").at(-1)).toBe("The receipt is NOT proven.");
    expect(status).toBe(1);
  });

  it("shows its usage when keys are missing", () => {
    const { status, stderr } = run([join(dir, "receipt.json"), "--log-key", fixture.logKey]);
    expect(stderr.trim()).toMatch(/^Usage: npm run receipt:verify -- receipt\.json --log-key VKEY --witness-key VKEY/);
    expect(status).toBe(2);
  });
});
