import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBase64 } from "./bytes";
import {
  generateSignerKey,
  keyId,
  NoteError,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE,
  signNote,
  verifierKeyOf,
} from "./note";

// golang.org/x/mod/sumdb/note note_test.go
const PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG =
  "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
// C2SP signed-note, "Verifier keys" example.
const SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_NOTE =
  "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

const reason = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof NoteError ? error.reason : String(error);
  }
  return "accepted";
};

describe("keys (Go sumdb/note vectors)", () => {
  it("reads Go's verifier and signer keys and derives the same key ID and verifier key", () => {
    expect(parseVerifierKey(PETER_VKEY)).toMatchObject({ name: "PeterNeumann", keyId: 0xc74f20a3, type: 0x01 });
    expect(verifierKeyOf(PETER_SKEY)).toBe(PETER_VKEY);
    expect(parseSignerKey(PETER_SKEY).keyId).toBe(0xc74f20a3);
  });

  it("refuses every truncation and every one-character change of a verifier or signer key", () => {
    for (const [key, parse] of [
      [PETER_VKEY, parseVerifierKey],
      [PETER_SKEY, parseSignerKey],
    ] as const) {
      for (let i = 0; i <= key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i !== 0 || j !== key.length) expect(reason(() => parse(key.slice(i, j)))).toBe("invalid_key");
        }
      }
      for (let i = 0; i < key.length; i++) {
        const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        expect(reason(() => parse(changed))).toBe("invalid_key");
      }
    }
    // Wrong key length and unknown algorithm, each with a matching key ID.
    expect(
      reason(() => parseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")),
    ).toBe("invalid_key");
    expect(reason(() => parseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))).toBe(
      "invalid_key",
    );
  });

  it("generates key pairs whose key ID is SHA-256(name || 0x0A || type || public key)[:4]", () => {
    const skey = generateSignerKey("consent.example/log");
    const vkey = parseVerifierKey(verifierKeyOf(skey));
    expect(vkey.keyId).toBe(keyId("consent.example/log", 0x01, vkey.publicKey));
    const witness = parseVerifierKey(
      verifierKeyOf(generateSignerKey("witness.example/w1", SIGNATURE_TYPE.cosignatureV1)),
    );
    expect(witness.type).toBe(0x04);
    expect(witness.key).toMatch(/^witness\.example\/w1\+[0-9a-f]{8}\+B[A-P]/);
    expect(reason(() => generateSignerKey("has space"))).toBe("invalid_key");
    expect(reason(() => generateSignerKey("a+b"))).toBe("invalid_key");
  });
});

describe("signing and opening notes", () => {
  it("signs byte-for-byte like Go and opens the C2SP example note", () => {
    expect(signNote(TEXT, PETER_SKEY)).toBe(`${TEXT}\n${PETER_SIG}`);
    expect(openNote(SPEC_NOTE, [SPEC_VKEY])).toMatchObject({
      text: "This is an example message.\n",
      verified: [{ name: "example.com/foo", keyId: 0x530d903a }],
    });
  });

  it("is verifiable with Node's own Ed25519 (RFC 8032) for a generated key", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const seed = Uint8Array.from(
      privateKey.export({ format: "jwk" }).d ? Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url") : [],
    );
    const skey = generateSignerKey("consent.example/log", SIGNATURE_TYPE.ed25519, seed);
    const note = signNote("hello\n", skey);
    const signature = fromBase64(note.split(" ").pop()!.trim())!.subarray(4);
    expect(nodeVerify(null, Buffer.from("hello\n"), createPublicKey(privateKey), signature)).toBe(true);
    expect(Buffer.from(signature)).toEqual(nodeSign(null, Buffer.from("hello\n"), privateKey));
  });

  it("sorts signatures into verified and unverified as Go's note.Open does", () => {
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(both, [PETER_VKEY])).toMatchObject({
      verified: [{ name: "PeterNeumann" }],
      unverified: [{ name: "EnochRoot", keyId: 0xaf0cfe78 }],
    });
    expect(openNote(both, [PETER_VKEY, ENOCH_VKEY]).verified.map((sig) => sig.name)).toEqual([
      "PeterNeumann",
      "EnochRoot",
    ]);
    expect(reason(() => openNote(both, []))).toBe("no_verified_signature");
    expect(reason(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [ENOCH_VKEY, PETER_VKEY, ENOCH_VKEY]))).toBe("ambiguous_key");
    expect(reason(() => openNote(`${TEXT}\n${PETER_SIG}`, [ENOCH_VKEY, PETER_VKEY, ENOCH_VKEY]))).toBe("accepted");
    // Repeated signatures count once; an unknown key's changed signature is just unverified.
    const repeated = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
    const opened = openNote(repeated, [PETER_VKEY]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unverified).toHaveLength(2);
  });

  it("refuses a note whose known key's signature does not verify", () => {
    const tampered = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(reason(() => openNote(tampered, [PETER_VKEY]))).toBe("invalid_signature");
    expect(reason(() => openNote(`${TEXT.replace("answer", "Answer")}\n${PETER_SIG}`, [PETER_VKEY]))).toBe(
      "invalid_signature",
    );
  });

  it("refuses malformed notes (Go's cases and more than 100 signatures)", () => {
    const malformed = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `\uD800${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
      `${TEXT}\n— PeterNeumann AAAA\n`,
    ];
    for (const note of malformed) expect(reason(() => openNote(note, [PETER_VKEY]))).toBe("malformed");
    expect(reason(() => signNote("abc", PETER_SKEY))).toBe("malformed");
    expect(parseNote(`${TEXT}\n${PETER_SIG}`).signatures[0]).toMatchObject({ name: "PeterNeumann", keyId: 0xc74f20a3 });
  });
});
