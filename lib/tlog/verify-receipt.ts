import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import canonicalize from "canonicalize";
import { z } from "zod";
import { concatBytes, fromBase64, fromUtf8, toHex, utf8 } from "./bytes";
import { type Checkpoint, parseCheckpoint } from "./checkpoint";
import { verifyCosignatures } from "./cosignature";
import { type Hash, leafHash, verifyInclusion } from "./merkle";
import { checkSignature, NoteError, parseNote, parseVerifierKey, SIGNATURE_TYPE } from "./note";

/**
 * Verifies a downloaded consent receipt file on its own, with no database and no network: in
 * `npm run receipt:verify` and in the browser on /verify. Every check is reported in plain words,
 * whether it passed or not, so a person sees exactly what holds and what does not.
 */

export interface ReceiptCheck {
  check: ReceiptCheckId;
  ok: boolean;
  detail: string;
}

export type ReceiptCheckId =
  | "file"
  | "receipt-signature"
  | "signed-content"
  | "log-entry"
  | "event-hash"
  | "inclusion"
  | "log-signature"
  | "witnesses";

/** What each check means, for people: the page and the CLI print it next to the result. */
export const RECEIPT_CHECK_TITLES: Record<ReceiptCheckId, string> = {
  file: "The file is a consent receipt with a proof",
  "receipt-signature": "The portal signed this receipt",
  "signed-content": "The signed content is exactly the receipt shown",
  "log-entry": "The log entry is this consent decision",
  "event-hash": "The decision's fingerprint (hash) is correct",
  inclusion: "The decision is recorded in the log",
  "log-signature": "The log signed the tree it is recorded in",
  witnesses: "Independent witnesses confirmed that tree",
};

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
export type Jwks = z.infer<typeof jwksSchema>;

const receiptSchema = z.looseObject({
  consentReceiptID: z.string(),
  piiPrincipalId: z.string(),
  iso27560: z.looseObject({
    event: z.looseObject({ type: z.string(), time: z.string(), method: z.string(), actorType: z.string() }),
    notice: z.looseObject({ textSha256: z.string().nullable() }),
  }),
  ledger: z.looseObject({ subjectId: z.string(), seq: z.number(), hash: z.string(), prevHash: z.string() }),
});

const receiptFileSchema = z.object({
  receipt: receiptSchema,
  jws: z.string(),
  proof: z.object({
    log: z.string(),
    leafIndex: z.number().int().min(0),
    leafData: z.string(),
    inclusionProof: z.array(z.string()),
    checkpoint: z.string(),
  }),
});

const leafSchema = z.object({
  type: z.literal("consent_event"),
  fields: z.looseObject({
    id: z.string(),
    subjectId: z.string(),
    seq: z.number(),
    action: z.string(),
    method: z.string(),
    actorType: z.string(),
    serverTime: z.string(),
    policyTextSha256: z.string().nullable(),
  }),
  prevHash: z.string(),
  hash: z.string(),
});

/** The JWT claims the portal adds to the receipt's fields when it signs (see issue-consent-receipt.ts). */
const JWT_CLAIMS = ["iss", "sub", "iat", "jti"];

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const standard = text.replaceAll("-", "+").replaceAll("_", "/");
  return fromBase64(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
}

const jcs = (value: unknown) => canonicalize(value) ?? "";

/** JWS compact serialization, EdDSA (Ed25519) only, key chosen by `kid`: verified with @noble/curves, which every browser runs. */
function verifyJws(jws: string, jwks: Jwks): { ok: true; payload: unknown } | { ok: false; detail: string } {
  const [headerPart = "", payloadPart = "", signaturePart = "", ...extra] = jws.split(".");
  const headerBytes = fromBase64Url(headerPart);
  const payloadBytes = fromBase64Url(payloadPart);
  const signature = fromBase64Url(signaturePart);
  if (extra.length > 0 || !headerBytes || !payloadBytes || !signature)
    return { ok: false, detail: "The signature (jws) is not a compact JWS." };
  let header: { alg?: unknown; kid?: unknown };
  let payload: unknown;
  try {
    header = JSON.parse(fromUtf8(headerBytes) ?? "") as typeof header;
    payload = JSON.parse(fromUtf8(payloadBytes) ?? "");
  } catch {
    return { ok: false, detail: "The signature (jws) does not contain JSON." };
  }
  if (header.alg !== "EdDSA") return { ok: false, detail: "The receipt is not signed with EdDSA (Ed25519)." };
  const key = jwks.keys.find((candidate) => candidate.kid === header.kid);
  if (!key) return { ok: false, detail: `None of the portal's signing keys has the id ${String(header.kid)}.` };
  const publicKey = typeof key.x === "string" ? fromBase64Url(key.x) : null;
  if (key.kty !== "OKP" || key.crv !== "Ed25519" || !publicKey || publicKey.length !== 32) {
    return { ok: false, detail: "The matching signing key is not an Ed25519 key." };
  }
  let valid = false;
  try {
    valid = ed25519.verify(signature, utf8(`${headerPart}.${payloadPart}`), publicKey, { zip215: false });
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true, payload }
    : {
        ok: false,
        detail: "The signature does not match the receipt: it was changed after signing, or signed by another key.",
      };
}

function compareSignedContent(payload: unknown, receipt: Record<string, unknown>): string | null {
  if (typeof payload !== "object" || payload === null) return "The signed content is not a receipt.";
  const signed = payload as Record<string, unknown>;
  for (const key of new Set([...Object.keys(signed), ...Object.keys(receipt)])) {
    if (JWT_CLAIMS.includes(key)) continue;
    if (jcs(signed[key]) !== jcs(receipt[key])) return `The receipt's "${key}" differs from what the portal signed.`;
  }
  if (signed.jti !== receipt.consentReceiptID || signed.sub !== receipt.piiPrincipalId) {
    return "The signature was made for another receipt id or person.";
  }
  return null;
}

function compareLeaf(leaf: z.infer<typeof leafSchema>, receipt: z.infer<typeof receiptSchema>): string | null {
  const { fields } = leaf;
  const pairs: Array<[string, unknown, unknown]> = [
    ["receipt id", fields.id, receipt.consentReceiptID],
    ["person (pseudonymous id)", fields.subjectId, receipt.piiPrincipalId],
    ["person in the ledger", fields.subjectId, receipt.ledger.subjectId],
    ["position in the person's chain", fields.seq, receipt.ledger.seq],
    ["decision hash", leaf.hash, receipt.ledger.hash],
    ["previous hash", leaf.prevHash, receipt.ledger.prevHash],
    ["decision (granted or withdrawn)", fields.action, receipt.iso27560.event.type],
    ["time", fields.serverTime, receipt.iso27560.event.time],
    ["how it was given", fields.method, receipt.iso27560.event.method],
    ["who recorded it", fields.actorType, receipt.iso27560.event.actorType],
    ["policy text fingerprint", fields.policyTextSha256, receipt.iso27560.notice.textSha256],
  ];
  const differing = pairs.filter(([, inLog, inReceipt]) => inLog !== inReceipt).map(([name]) => name);
  return differing.length === 0 ? null : `The log entry and the receipt differ in: ${differing.join(", ")}.`;
}

/** Chain hash of a consent event: sha256(prevHash || RFC 8785 JSON of its hashed fields), hex. */
function eventHash(prevHash: string, fields: unknown): string {
  return toHex(sha256(concatBytes(utf8(prevHash), utf8(jcs(fields)))));
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "es"}`;

export interface VerifyReceiptOptions {
  /** The log's verifier key (`<origin>+<key ID>+<base64(0x01 || key)>`). */
  logKey: string;
  /** Verifier keys (type 0x04) of the witnesses you trust. */
  witnessKeys: string[];
  /** How many of them must have cosigned (default 1). */
  quorum?: number;
  /** The portal's receipt signing keys; without them the JWS signature is not checked. */
  jwks?: Jwks;
}

/** Runs every check on a parsed receipt file (Promise so that a WebCrypto path can be added without changing callers). */
export function verifyReceiptFile(file: unknown, options: VerifyReceiptOptions): Promise<ReceiptCheck[]> {
  return Promise.resolve(checkReceiptFile(file, options));
}

function checkReceiptFile(file: unknown, options: VerifyReceiptOptions): ReceiptCheck[] {
  const checks: ReceiptCheck[] = [];
  const report = (check: ReceiptCheckId, ok: boolean, detail: string) => checks.push({ check, ok, detail });
  const notChecked = (ids: ReceiptCheckId[], why: string) =>
    ids.forEach((id) => report(id, false, `Not checked: ${why}`));

  const parsed = receiptFileSchema.safeParse(file);
  const later: ReceiptCheckId[] = [
    "signed-content",
    "log-entry",
    "event-hash",
    "inclusion",
    "log-signature",
    "witnesses",
  ];
  if (!parsed.success) {
    report(
      "file",
      false,
      "This is not a consent receipt file with a transparency-log proof (receipt, jws and proof are needed).",
    );
    if (options.jwks) notChecked(["receipt-signature"], "the file is not a receipt.");
    notChecked(later, "the file is not a receipt.");
    return checks;
  }
  const { receipt, jws, proof } = parsed.data;
  report("file", true, `Receipt ${receipt.consentReceiptID}, entry ${proof.leafIndex} of log ${proof.log}.`);

  // 1. The JWS: signed by the portal (when its keys are given), and about this very receipt.
  const [, payloadPart = ""] = jws.split(".");
  let payload: unknown = null;
  if (options.jwks) {
    const keys = jwksSchema.safeParse(options.jwks);
    const verified = keys.success
      ? verifyJws(jws, keys.data)
      : { ok: false as const, detail: "The portal's signing keys (JWKS) are not readable." };
    report(
      "receipt-signature",
      verified.ok,
      verified.ok ? "The signature verifies with the portal's published signing key." : verified.detail,
    );
    if (verified.ok) payload = verified.payload;
  }
  if (payload === null) {
    try {
      payload = JSON.parse(fromUtf8(fromBase64Url(payloadPart) ?? new Uint8Array()) ?? "");
    } catch {
      payload = null;
    }
  }
  const contentProblem = compareSignedContent(payload, receipt);
  report(
    "signed-content",
    contentProblem === null,
    contentProblem ?? "Every field of the receipt is what the signature covers.",
  );

  // 2. The log entry is this decision, and its chain hash recomputes.
  let leaf: z.infer<typeof leafSchema> | null = null;
  try {
    const data = JSON.parse(proof.leafData) as unknown;
    const candidate = leafSchema.safeParse(data);
    if (candidate.success && jcs(data) === proof.leafData) leaf = candidate.data;
  } catch {
    leaf = null;
  }
  if (!leaf) {
    report("log-entry", false, "The log entry in the proof is not a consent decision in canonical JSON.");
    report("event-hash", false, "Not checked: the log entry is unreadable.");
  } else {
    const leafProblem = compareLeaf(leaf, receipt);
    report(
      "log-entry",
      leafProblem === null,
      leafProblem ?? "The receipt's id, person, decision, time and hashes are those of the log entry.",
    );
    const recomputed = eventHash(leaf.prevHash, leaf.fields);
    report(
      "event-hash",
      recomputed === leaf.hash,
      recomputed === leaf.hash
        ? "Recomputing the hash from the decision's fields gives the recorded hash."
        : "The decision's fields do not hash to the recorded hash: they were changed.",
    );
  }

  // 3. The entry is in the tree the checkpoint names.
  let checkpoint: Checkpoint | null = null;
  let noteProblem: string | null = null;
  try {
    checkpoint = parseCheckpoint(parseNote(proof.checkpoint).text);
  } catch (error) {
    noteProblem = error instanceof NoteError ? error.message : "The checkpoint is unreadable.";
  }
  const hashes = proof.inclusionProof.map(fromBase64);
  if (!checkpoint) {
    notChecked(["inclusion", "log-signature", "witnesses"], noteProblem ?? "the checkpoint is unreadable.");
    return checks;
  }
  const included =
    hashes.every((hash): hash is Hash => hash !== null) &&
    verifyInclusion({
      index: proof.leafIndex,
      size: checkpoint.size,
      leafHash: leafHash(utf8(proof.leafData)),
      proof: hashes,
      root: checkpoint.root,
    });
  report(
    "inclusion",
    included,
    included
      ? `The inclusion proof places this entry at position ${proof.leafIndex} of the ${checkpoint.size} entries of the checkpointed tree.`
      : "The inclusion proof does not lead from this entry to the checkpoint's root: the entry or the proof was changed.",
  );

  // 4. The log signed that tree; 5. enough trusted witnesses cosigned it.
  let logProblem: string | null = null;
  try {
    const logKey = parseVerifierKey(options.logKey.trim());
    const { text, signatures } = parseNote(proof.checkpoint);
    const mine = signatures.filter((sig) => sig.name === logKey.name && sig.keyId === logKey.keyId);
    if (logKey.type !== SIGNATURE_TYPE.ed25519) logProblem = "The log key given is not a log (Ed25519) key.";
    else if (logKey.name !== checkpoint.origin || proof.log !== checkpoint.origin)
      logProblem = `The checkpoint is from "${checkpoint.origin}", not from the log "${logKey.name}".`;
    else if (mine.length === 0) logProblem = "The checkpoint carries no signature by the log key given.";
    else if (!mine.every((sig) => checkSignature(logKey, text, sig.signature).ok))
      logProblem = "The log's signature on the checkpoint does not verify: the checkpoint was changed.";
  } catch (error) {
    logProblem =
      error instanceof NoteError ? `The log key is not a verifier key: ${error.message}` : "The log key is unreadable.";
  }
  report("log-signature", logProblem === null, logProblem ?? `Signed by the log ${checkpoint.origin}.`);

  const quorum = options.quorum ?? 1;
  if (options.witnessKeys.length === 0) {
    report("witnesses", false, "Give at least one witness key you trust.");
    return checks;
  }
  try {
    const { cosigned, invalid } = verifyCosignatures(
      proof.checkpoint,
      options.witnessKeys.map((key) => key.trim()),
    );
    const when = cosigned.map((sig) => `${sig.name} on ${new Date(sig.timestamp * 1000).toISOString()}`).join("; ");
    const ok = invalid.length === 0 && cosigned.length >= quorum;
    const detail =
      invalid.length > 0
        ? `A cosignature by ${invalid.join(", ")} does not verify: the checkpoint was changed.`
        : `Cosigned by ${cosigned.length} of the ${plural(options.witnessKeys.length, "witness")} you trust (needed: ${quorum})${when ? `: ${when}` : ""}.`;
    report("witnesses", ok, detail);
  } catch (error) {
    report(
      "witnesses",
      false,
      error instanceof NoteError
        ? `A witness key is not a witness verifier key: ${error.message}`
        : "The witness keys are unreadable.",
    );
  }
  return checks;
}
