import { exportJWK, generateKeyPair, SignJWT } from "jose";
import canonicalize from "canonicalize";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReceiptProofFixture, type ReceiptProofFixture } from "@/test/receipt-proof-fixture";
import { fromBase64, toBase64 } from "./bytes";
import { signCheckpoint, parseCheckpoint } from "./checkpoint";
import { generateSignerKey, parseNote, SIGNATURE_TYPE, verifierKeyOf } from "./note";
import { type ReceiptCheck, verifyReceiptFile } from "./verify-receipt";

let fixture: ReceiptProofFixture;
beforeAll(async () => {
  fixture = await buildReceiptProofFixture();
});

const clone = <T>(value: T): T => structuredClone(value);
const failing = (checks: ReceiptCheck[]) => checks.filter((check) => !check.ok).map((check) => check.check);
const detail = (checks: ReceiptCheck[], id: string) => checks.find((check) => check.check === id)?.detail;
const verify = (file: unknown, options: Partial<Parameters<typeof verifyReceiptFile>[1]> = {}) =>
  verifyReceiptFile(file, { logKey: fixture.logKey, witnessKeys: fixture.witnessKeys, jwks: fixture.jwks, ...options });

describe("a valid receipt file", () => {
  it("passes every check, in plain words", async () => {
    const checks = await verify(fixture.file);
    expect(checks.map((check) => check.check)).toEqual([
      "file",
      "receipt-signature",
      "signed-content",
      "log-entry",
      "event-hash",
      "inclusion",
      "log-signature",
      "witnesses",
    ]);
    // The fixture's leaf hash is computeEventHash's (lib/ledger/event-hash.ts): "event-hash" passing
    // shows the verifier recomputes the ledger's own rule.
    expect(failing(checks)).toEqual([]);
    expect(detail(checks, "inclusion")).toBe(
      "The inclusion proof places this entry at position 4 of the 7 entries of the checkpointed tree.",
    );
    expect(detail(checks, "witnesses")).toMatch(
      /^Cosigned by 2 of the 2 witnesses you trust \(needed: 1\): witness\.test\/w1 on 2026-/,
    );
  });

  it("without the portal's keys, still checks everything but the JWS signature", async () => {
    const checks = await verify(fixture.file, { jwks: undefined });
    expect(checks.map((check) => check.check)).not.toContain("receipt-signature");
    expect(failing(checks)).toEqual([]);
  });
});

describe("each tampering is reported by the check that catches it", () => {
  it("a receipt field changed after signing", async () => {
    const file = clone(fixture.file);
    (file.receipt.iso27560 as { event: { type: string } }).event.type = "withdrawn";
    const checks = await verify(file);
    expect(failing(checks)).toEqual(["signed-content", "log-entry"]);
    expect(detail(checks, "signed-content")).toBe('The receipt\'s "iso27560" differs from what the portal signed.');
    expect(detail(checks, "log-entry")).toBe(
      "The log entry and the receipt differ in: decision (granted or withdrawn).",
    );
  });

  it("a receipt re-signed with someone else's key under the portal's key id", async () => {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const forged = await new SignJWT({ ...fixture.file.receipt })
      .setProtectedHeader({ alg: "EdDSA", kid: "receipt-key-1", typ: "consent-receipt+jwt" })
      .setJti(fixture.file.receipt.consentReceiptID as string)
      .setSubject(fixture.file.receipt.piiPrincipalId as string)
      .sign(privateKey);
    const checks = await verify({ ...fixture.file, jws: forged });
    expect(failing(checks)).toEqual(["receipt-signature"]);
    const unknownKid = await verify(fixture.file, {
      jwks: {
        keys: [
          {
            ...(await exportJWK((await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })).publicKey)),
            kid: "other",
          },
        ],
      },
    });
    expect(detail(unknownKid, "receipt-signature")).toBe("None of the portal's signing keys has the id receipt-key-1.");
  });

  it("the log entry's fields edited (even keeping it canonical)", async () => {
    const file = clone(fixture.file);
    const leaf = JSON.parse(file.proof.leafData) as { fields: { serverTime: string } };
    leaf.fields.serverTime = "2026-11-01T10:15:30.123Z";
    file.proof.leafData = canonicalize(leaf)!;
    expect(failing(await verify(file))).toEqual(["log-entry", "event-hash", "inclusion"]);
  });

  it("the leaf and receipt rewritten together with a recomputed hash: the log does not contain it", async () => {
    const file = clone(fixture.file);
    const leaf = JSON.parse(file.proof.leafData) as { fields: Record<string, unknown>; prevHash: string; hash: string };
    leaf.fields.method = "staff";
    const { createHash } = await import("node:crypto");
    leaf.hash = createHash("sha256").update(leaf.prevHash).update(canonicalize(leaf.fields)!).digest("hex");
    file.proof.leafData = canonicalize(leaf)!;
    const receipt = file.receipt as { ledger: { hash: string }; iso27560: { event: { method: string } } };
    receipt.ledger.hash = leaf.hash;
    receipt.iso27560.event.method = "staff";
    const checks = await verify(file, { jwks: undefined });
    expect(failing(checks)).toEqual(["signed-content", "inclusion"]);
  });

  it("a changed inclusion proof or leaf index", async () => {
    const flipped = clone(fixture.file);
    const hash = fromBase64(flipped.proof.inclusionProof[1]!)!;
    hash[0]! ^= 1;
    flipped.proof.inclusionProof[1] = toBase64(hash);
    expect(failing(await verify(flipped))).toEqual(["inclusion"]);
    const moved = clone(fixture.file);
    moved.proof.leafIndex = 5;
    expect(failing(await verify(moved))).toEqual(["inclusion"]);
    const truncated = clone(fixture.file);
    truncated.proof.inclusionProof.pop();
    expect(failing(await verify(truncated))).toEqual(["inclusion"]);
  });

  it("an edited checkpoint: its signatures no longer verify", async () => {
    const file = clone(fixture.file);
    const lines = file.proof.checkpoint.split("\n");
    lines[2] = toBase64(new Uint8Array(32).fill(7));
    file.proof.checkpoint = lines.join("\n");
    const checks = await verify(file);
    expect(failing(checks)).toEqual(["inclusion", "log-signature", "witnesses"]);
    expect(detail(checks, "log-signature")).toBe(
      "The log's signature on the checkpoint does not verify: the checkpoint was changed.",
    );
  });

  it("a checkpoint re-signed by a key that is not the log's", async () => {
    const file = clone(fixture.file);
    const { text } = parseNote(file.proof.checkpoint);
    const impostor = generateSignerKey(file.proof.log);
    file.proof.checkpoint = signCheckpoint(parseCheckpoint(text), impostor);
    const checks = await verify(file);
    expect(failing(checks)).toEqual(["log-signature", "witnesses"]);
    expect(detail(checks, "log-signature")).toBe("The checkpoint carries no signature by the log key given.");
  });

  it("missing cosignatures, a quorum not met, or witness keys that did not sign", async () => {
    const file = clone(fixture.file);
    file.proof.checkpoint = file.proof.checkpoint
      .split("\n")
      .filter((line) => !line.startsWith("— witness.test"))
      .join("\n");
    const none = await verify(file);
    expect(failing(none)).toEqual(["witnesses"]);
    expect(detail(none, "witnesses")).toBe("Cosigned by 0 of the 2 witnesses you trust (needed: 1).");

    const one = clone(fixture.file);
    one.proof.checkpoint = one.proof.checkpoint
      .split("\n")
      .filter((line) => !line.startsWith("— witness.test/w2"))
      .join("\n");
    expect(failing(await verify(one, { quorum: 2 }))).toEqual(["witnesses"]);
    expect(failing(await verify(one, { quorum: 1 }))).toEqual([]);

    const stranger = verifierKeyOf(generateSignerKey("witness.test/w1", SIGNATURE_TYPE.cosignatureV1));
    expect(failing(await verify(fixture.file, { witnessKeys: [stranger] }))).toEqual(["witnesses"]);
    expect(failing(await verify(fixture.file, { witnessKeys: [] }))).toEqual(["witnesses"]);
  });

  it("a wrong log key, or a key that is not one", async () => {
    expect(
      failing(await verify(fixture.file, { logKey: verifierKeyOf(generateSignerKey(fixture.file.proof.log)) })),
    ).toEqual(["log-signature"]);
    const other = await verify(fixture.file, { logKey: verifierKeyOf(generateSignerKey("other.test/log")) });
    expect(detail(other, "log-signature")).toBe(
      'The checkpoint is from "consent-portal.test/log", not from the log "other.test/log".',
    );
    expect(detail(await verify(fixture.file, { logKey: "nonsense" }), "log-signature")).toMatch(
      /^The log key is not a verifier key/,
    );
  });

  it("a file that is not a receipt with a proof", async () => {
    const checks = await verify({ receipt: fixture.file.receipt, jws: fixture.file.jws });
    expect(checks.every((check) => !check.ok)).toBe(true);
    expect(detail(checks, "file")).toBe(
      "This is not a consent receipt file with a transparency-log proof (receipt, jws and proof are needed).",
    );
  });
});
