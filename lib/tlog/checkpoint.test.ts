import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64, utf8 } from "./bytes";
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from "./checkpoint";
import { cosignCheckpoint, verifyCosignatures } from "./cosignature";
import { leafHash, rootHash } from "./merkle";
import { generateSignerKey, NoteError, parseSignerKey, SIGNATURE_TYPE, verifierKeyOf } from "./note";

// C2SP tlog-checkpoint example body.
const SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

const reason = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof NoteError ? error.reason : String(error);
  }
  return "accepted";
};

const seed = (byte: number) => new Uint8Array(32).fill(byte);
const LOG_SKEY = generateSignerKey("consent.example/log", SIGNATURE_TYPE.ed25519, seed(1));
const LOG_VKEY = verifierKeyOf(LOG_SKEY);
const W1_SKEY = generateSignerKey("witness.example/w1", SIGNATURE_TYPE.cosignatureV1, seed(2));
const W2_SKEY = generateSignerKey("witness.example/w2", SIGNATURE_TYPE.cosignatureV1, seed(3));
const W1_VKEY = verifierKeyOf(W1_SKEY);
const W2_VKEY = verifierKeyOf(W2_SKEY);
const root = rootHash([leafHash(utf8("a")), leafHash(utf8("b")), leafHash(utf8("c"))]);

describe("checkpoints (C2SP tlog-checkpoint)", () => {
  it("reads the spec's example and writes it back byte for byte", () => {
    const checkpoint = parseCheckpoint(SPEC_BODY);
    expect(checkpoint).toEqual({
      origin: "example.com/behind-the-sofa",
      size: 20852163,
      root: fromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
    });
    expect(formatCheckpoint(checkpoint)).toBe(SPEC_BODY);
    expect(parseCheckpoint(`${SPEC_BODY}ext one\n`).extensions).toEqual(["ext one"]);
  });

  it("refuses bodies that are not exactly three lines of origin, size and root (plus extensions)", () => {
    for (const body of [
      SPEC_BODY.slice(0, -1),
      "example.com/x\n20852163\n",
      "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
      "example.com/x\n020\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
      "example.com/x\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
      "example.com/x\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
      "example.com/x\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n",
      `${SPEC_BODY}\n`,
      "example.com/x\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    ]) {
      expect(reason(() => parseCheckpoint(body))).toBe("malformed");
    }
  });

  it("signs with the log key and opens only with it, under the origin's name", () => {
    const note = signCheckpoint({ origin: "consent.example/log", size: 3, root }, LOG_SKEY);
    expect(note).toMatch(
      /^consent\.example\/log\n3\n[A-Za-z0-9+/]{43}=\n\n— consent\.example\/log [A-Za-z0-9+/]{91}=\n$/,
    );
    expect(openCheckpoint(note, LOG_VKEY).checkpoint).toEqual({ origin: "consent.example/log", size: 3, root });
    expect(reason(() => openCheckpoint(note.replace("\n3\n", "\n4\n"), LOG_VKEY))).toBe("invalid_signature");
    expect(reason(() => openCheckpoint(note, verifierKeyOf(generateSignerKey("consent.example/log"))))).toBe(
      "no_verified_signature",
    );
    // A log key whose name is not the checkpoint's origin does not vouch for it.
    const other = generateSignerKey("other.example/log", SIGNATURE_TYPE.ed25519, seed(9));
    const foreign = signCheckpoint({ origin: "consent.example/log", size: 3, root }, other);
    expect(reason(() => openCheckpoint(foreign, verifierKeyOf(other)))).toBe("invalid_signature");
  });
});

describe("cosignatures (C2SP tlog-cosignature v1, Ed25519)", () => {
  const body = formatCheckpoint({ origin: "consent.example/log", size: 3, root });
  const logNote = signCheckpoint({ origin: "consent.example/log", size: 3, root }, LOG_SKEY);

  it("signs `cosignature/v1\\ntime <t>\\n` + body, as key ID || uint64 time || Ed25519 signature", () => {
    const line = cosignCheckpoint(body, W1_SKEY, 1_700_000_000);
    const [, name, payload] = /^— (\S+) (\S+)\n$/.exec(line)!;
    expect(name).toBe("witness.example/w1");
    const bytes = fromBase64(payload!)!;
    expect(bytes).toHaveLength(4 + 8 + 64);
    const witness = parseSignerKey(W1_SKEY);
    expect(new DataView(bytes.buffer).getUint32(0)).toBe(witness.keyId);
    expect(new DataView(bytes.buffer).getBigUint64(4)).toBe(1_700_000_000n);
    // Checked with Node's Ed25519 against the message built by hand from the spec.
    const publicKey = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(witness.publicKey).toString("base64url") },
      format: "jwk",
    });
    const message = Buffer.from(`cosignature/v1\ntime 1700000000\n${body}`);
    expect(nodeVerify(null, message, publicKey, bytes.subarray(12))).toBe(true);
  });

  it("counts valid cosignatures from known witness keys once each, with their times", () => {
    const note =
      logNote + cosignCheckpoint(body, W1_SKEY, 1_700_000_000) + cosignCheckpoint(body, W2_SKEY, 1_700_000_100);
    expect(verifyCosignatures(note, [W1_VKEY, W2_VKEY, W1_VKEY])).toEqual({
      cosigned: [
        { name: "witness.example/w1", keyId: parseSignerKey(W1_SKEY).keyId, key: W1_VKEY, timestamp: 1_700_000_000 },
        { name: "witness.example/w2", keyId: parseSignerKey(W2_SKEY).keyId, key: W2_VKEY, timestamp: 1_700_000_100 },
      ],
      invalid: [],
    });
    expect(verifyCosignatures(logNote + cosignCheckpoint(body, W1_SKEY, 5), [W2_VKEY]).cosigned).toEqual([]);
    // The log's own signature is not a cosignature, nor is a witness key typed 0x01.
    expect(reason(() => verifyCosignatures(note, [LOG_VKEY]))).toBe("invalid_key");
  });

  it("reports a cosignature that does not verify: other body, changed time, other checkpoint", () => {
    const otherBody = formatCheckpoint({ origin: "consent.example/log", size: 4, root });
    const forged = cosignCheckpoint(otherBody, W1_SKEY, 1_700_000_000);
    expect(verifyCosignatures(logNote + forged, [W1_VKEY]).invalid).toEqual([W1_VKEY.split("+").slice(0, 2).join("+")]);
    const line = cosignCheckpoint(body, W1_SKEY, 1_700_000_000);
    const bytes = fromBase64(line.split(" ")[2]!.trim())!;
    new DataView(bytes.buffer).setBigUint64(4, 1_700_000_001n);
    const retimed = `— witness.example/w1 ${toBase64(bytes)}\n`;
    expect(verifyCosignatures(logNote + retimed, [W1_VKEY]).cosigned).toEqual([]);
    expect(() => cosignCheckpoint(body, LOG_SKEY, 1)).toThrow(NoteError);
    expect(() => cosignCheckpoint(body, W1_SKEY, 0)).toThrow(RangeError);
  });
});
