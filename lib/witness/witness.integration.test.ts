// The witness as its operator runs it: its own process, spoken to over HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/test/free-port";
import { utf8 } from "@/lib/tlog/bytes";
import { signCheckpoint } from "@/lib/tlog/checkpoint";
import { verifyCosignatures } from "@/lib/tlog/cosignature";
import { consistencyProofPlan, type Hash, leafHash, type NodeId, rootHash } from "@/lib/tlog/merkle";
import { generateSignerKey, verifierKeyOf } from "@/lib/tlog/note";
import { addCheckpoint, fetchWitnessedCheckpoint } from "./request-cosignature";

const ORIGIN = "consent-portal.test/log";
const LOG_KEY = generateSignerKey(ORIGIN);

const leavesA = Array.from({ length: 40 }, (_, i) => leafHash(utf8(`event ${i}`)));
// A fork: the same first 12 leaves, then different ones.
const leavesB = [...leavesA.slice(0, 12), ...Array.from({ length: 28 }, (_, i) => leafHash(utf8(`forged ${i}`)))];

const checkpointOf = (leaves: Hash[], size: number, signer = LOG_KEY, origin = ORIGIN) =>
  signCheckpoint({ origin, size, root: rootHash(leaves.slice(0, size)) }, signer);

function proofBetween(leaves: Hash[], size1: number, size2: number): Hash[] {
  const plan = consistencyProofPlan(size1, size2);
  const node = ({ level, index }: NodeId) => rootHash(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
  return plan.assemble(plan.nodes.map(node));
}

interface WitnessProcess {
  url: string;
  verifierKey: string;
  child: ChildProcess;
}

const dir = mkdtempSync(join(tmpdir(), "witness-test-"));
const keyFile = join(dir, "witness.key");
const stateFile = join(dir, "witness-state.json");
let port: number;
let witness: WitnessProcess | undefined;

/**
 * Starts scripts/witness.ts (what `npm run witness` runs) as one Node process with tsx's loader,
 * so SIGTERM reaches the witness itself and its exit means the port is free; waits for its key.
 */
function startWitness(): Promise<WitnessProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/witness.ts",
      "--port",
      String(port),
      "--key-file",
      keyFile,
      "--state-file",
      stateFile,
      "--name",
      "witness.test/w1",
      "--log",
      `${ORIGIN} ${verifierKeyOf(LOG_KEY)}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const key = /Witness verifier key: (\S+)/.exec(output);
      const url = /Witness listening on (\S+)/.exec(output);
      if (key && url) resolve({ url: url[1]!, verifierKey: key[1]!, child });
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`the witness exited (${code}): ${output}`)));
  });
}

async function stopWitness() {
  if (!witness) return;
  const { child } = witness;
  witness = undefined;
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

beforeAll(async () => {
  port = await freePort();
  witness = await startWitness();
}, 60_000);
afterAll(stopWitness);

const post = (body: string) => fetch(`${witness!.url}/add-checkpoint`, { method: "POST", body });

describe("npm run witness", () => {
  afterEach(() => expect(witness?.child.exitCode ?? null).toBeNull());

  it("creates its key file (owner-only) and prints its cosignature verifier key", () => {
    expect(readFileSync(keyFile, "utf8")).toMatch(/^PRIVATE\+KEY\+witness\.test\/w1\+[0-9a-f]{8}\+/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(witness!.verifierKey).toMatch(/^witness\.test\/w1\+[0-9a-f]{8}\+B/);
  });

  it("cosigns a first checkpoint, and answers a wrong old size with 409 and the size it knows", async () => {
    const signedCheckpoint = checkpointOf(leavesA, 5);
    const wrongOld = await addCheckpoint(witness!.url, { oldSize: 3, consistencyProof: [], signedCheckpoint });
    expect(wrongOld).toEqual({
      ok: false,
      status: 409,
      knownSize: 0,
      message: "The witness last cosigned another tree size.",
    });

    const result = await addCheckpoint(
      witness!.url,
      { oldSize: 0, consistencyProof: [], signedCheckpoint },
      { witnessKey: witness!.verifierKey },
    );
    expect(result.ok).toBe(true);
    const cosignature = result.ok ? result.cosignature : "";
    const { cosigned } = verifyCosignatures(signedCheckpoint + cosignature, [witness!.verifierKey]);
    expect(cosigned).toHaveLength(1);
    expect(Math.abs(cosigned[0]!.timestamp - Date.now() / 1000)).toBeLessThan(60);
  });

  it("cosigns consistent growth with a valid consistency proof", async () => {
    const result = await addCheckpoint(witness!.url, {
      oldSize: 5,
      consistencyProof: proofBetween(leavesA, 5, 12),
      signedCheckpoint: checkpointOf(leavesA, 12),
    });
    expect(result.ok).toBe(true);
    const again = await addCheckpoint(witness!.url, {
      oldSize: 5,
      consistencyProof: [],
      signedCheckpoint: checkpointOf(leavesA, 13),
    });
    expect(again).toMatchObject({ ok: false, status: 409, knownSize: 12 });
  });

  it("refuses a fork: same size with another root, or a proof to a tree that rewrote history", async () => {
    const sameSize = await post(
      `old 12\n\n${checkpointOf(
        leavesB.map((hash, i) => (i === 11 ? leafHash(utf8("x")) : hash)),
        12,
      )}`,
    );
    expect(sameSize.status).toBe(422);
    // leavesB keeps the first 12 leaves but differs after: its honest proof from 12 does verify…
    const forkFrom12 = await addCheckpoint(witness!.url, {
      oldSize: 12,
      consistencyProof: proofBetween(leavesB, 12, 20),
      signedCheckpoint: checkpointOf(leavesB, 20),
    });
    expect(forkFrom12.ok).toBe(true);
    // …and from then on the witness holds it to that branch: the other branch cannot follow.
    const otherBranch = await addCheckpoint(witness!.url, {
      oldSize: 20,
      consistencyProof: proofBetween(leavesA, 20, 30),
      signedCheckpoint: checkpointOf(leavesA, 30),
    });
    expect(otherBranch).toMatchObject({ ok: false, status: 422 });
    const tamperedProof = proofBetween(leavesB, 20, 30).map((hash, i) => (i === 0 ? leafHash(hash) : hash));
    const badProof = await addCheckpoint(witness!.url, {
      oldSize: 20,
      consistencyProof: tamperedProof,
      signedCheckpoint: checkpointOf(leavesB, 30),
    });
    expect(badProof).toMatchObject({ ok: false, status: 422, message: "The consistency proof does not verify." });
  });

  it("refuses an older tree, unknown logs, foreign signatures and malformed requests", async () => {
    expect((await post(`old 20\n\n${checkpointOf(leavesB, 15)}`)).status).toBe(400);
    expect((await post(`old 15\n\n${checkpointOf(leavesB, 15)}`)).status).toBe(409);
    const otherLog = generateSignerKey("other.test/log");
    expect((await post(`old 0\n\n${checkpointOf(leavesA, 3, otherLog, "other.test/log")}`)).status).toBe(404);
    expect((await post(`old 20\n\n${checkpointOf(leavesB, 25, generateSignerKey(ORIGIN))}`)).status).toBe(403);
    expect((await post(`old 20\nnot-base64\n\n${checkpointOf(leavesB, 25)}`)).status).toBe(400);
    expect((await post("old 020\n\nx\n")).status).toBe(400);
    expect((await fetch(`${witness!.url}/add-checkpoint`)).status).toBe(405);
  });

  it("keeps its state across a restart and serves the checkpoint it cosigned last", async () => {
    await stopWitness();
    const saved = JSON.parse(readFileSync(stateFile, "utf8")) as { logs: Record<string, { size: number }> };
    expect(saved.logs[ORIGIN]!.size).toBe(20);
    const before = readFileSync(keyFile, "utf8");
    witness = await startWitness();
    expect(readFileSync(keyFile, "utf8")).toBe(before);

    expect(
      await addCheckpoint(witness.url, {
        oldSize: 0,
        consistencyProof: [],
        signedCheckpoint: checkpointOf(leavesA, 3),
      }),
    ).toMatchObject({ status: 409, knownSize: 20 });
    const served = await fetchWitnessedCheckpoint(witness.url, ORIGIN);
    expect(served).toContain(`${ORIGIN}\n20\n`);
    expect(verifyCosignatures(served!, [witness.verifierKey]).cosigned).toHaveLength(1);
    expect(await fetchWitnessedCheckpoint(witness.url, "other.test/log")).toBeNull();
  });
});
