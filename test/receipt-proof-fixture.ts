// A complete, valid consent receipt file with its transparency-log proof, built the way the
// portal builds one: a signed receipt (JWS), the event's leaf in a small tree, a log-signed
// checkpoint and witness cosignatures. Used by the verifier's unit tests and the /verify e2e spec.
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { buildConsentReceipt } from "../lib/receipts/consent-receipt";
import { toBase64, utf8 } from "../lib/tlog/bytes";
import { signCheckpoint } from "../lib/tlog/checkpoint";
import { cosignCheckpoint } from "../lib/tlog/cosignature";
import { inclusionProofPlan, leafHash, rootHash, type NodeId } from "../lib/tlog/merkle";
import { generateSignerKey, SIGNATURE_TYPE, verifierKeyOf } from "../lib/tlog/note";
import { consentEventLeaf } from "../lib/transparency/leaf-data";
import { computeEventHash, type HashedEventColumns } from "../lib/ledger/event-hash";

const FIXTURE_LOG_ORIGIN = "consent-portal.test/log";

export interface ReceiptProofFixture {
  file: {
    receipt: Record<string, unknown>;
    jws: string;
    verify: Record<string, string>;
    proof: { log: string; leafIndex: number; leafData: string; inclusionProof: string[]; checkpoint: string };
  };
  logKey: string;
  witnessKeys: string[];
  jwks: { keys: Array<Record<string, unknown>> };
  /** Signs a checkpoint as the log would (for tampering tests that re-sign). */
  logSigner: string;
  witnessSigners: string[];
  /** The leaf hashes of the whole tree (the receipt's leaf is at `file.proof.leafIndex`). */
  leafDatas: string[];
}

export async function buildReceiptProofFixture(): Promise<ReceiptProofFixture> {
  const event: HashedEventColumns & { hash: string } = {
    id: "0c6d8f5e-5b1a-4c8e-9d8e-0a6f7a1c2b3d",
    subjectId: "5f0e2a1b-7c3d-4e5f-8a9b-0c1d2e3f4a5b",
    seq: 2,
    action: "granted",
    purposeId: "3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d",
    policyVersionId: "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928",
    policyTextSha256: "a".repeat(64),
    method: "portal",
    actorType: "subject",
    actorId: null,
    actorReason: null,
    clientTime: null,
    serverTime: new Date("2026-11-02T10:15:30.123Z"),
    ipTruncated: "203.0.113.0",
    userAgentHash: "b".repeat(64),
    idempotencyKey: "c6f1c1f4-8b1e-4f57-9f59-1a0f4c2b7d11",
    requestFingerprint: "d".repeat(64),
    prevHash: "e".repeat(64),
    hashVersion: 2,
    purposeVersionId: "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    purposeTextSha256: "f".repeat(64),
    hash: "",
  };
  event.hash = computeEventHash(event);
  const receipt = buildConsentReceipt({
    event: { ...event, action: "granted" },
    purpose: {
      key: "newsletter",
      title: "Newsletter",
      description: "News by email",
      required: false,
      version: 1,
      textSha256: "f".repeat(64),
    },
    policy: { kind: "privacy", version: "3", url: "https://portal.test/policies/privacy/3" },
    controller: {
      name: "Test controller",
      email: "privacy@portal.test",
      url: "https://portal.test",
      jurisdiction: "EU",
    },
    service: "Consent Portal",
  });

  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "receipt-key-1", alg: "EdDSA", use: "sig" };
  const jws = await new SignJWT({ ...receipt })
    .setProtectedHeader({ alg: "EdDSA", kid: jwk.kid, typ: "consent-receipt+jwt" })
    .setIssuer("https://portal.test")
    .setSubject(event.subjectId)
    .setIssuedAt(receipt.consentTimestamp)
    .setJti(event.id)
    .sign(privateKey);

  // The leaf exactly as the portal queues it (lib/transparency/leaf-data.ts).
  const leafData = consentEventLeaf(event).data;
  const leafDatas = Array.from({ length: 7 }, (_, i) => (i === 4 ? leafData : `{"type":"access_log","n":${i}}`));
  const leaves = leafDatas.map((data) => leafHash(utf8(data)));
  const plan = inclusionProofPlan(4, leaves.length);
  const node = ({ level, index }: NodeId) => rootHash(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
  const inclusionProof = plan.assemble(plan.nodes.map(node)).map(toBase64);

  const logSigner = generateSignerKey(FIXTURE_LOG_ORIGIN);
  const witnessSigners = [1, 2].map((n) => generateSignerKey(`witness.test/w${n}`, SIGNATURE_TYPE.cosignatureV1));
  const signed = signCheckpoint({ origin: FIXTURE_LOG_ORIGIN, size: leaves.length, root: rootHash(leaves) }, logSigner);
  const body = signed.slice(0, signed.indexOf("\n\n") + 1);
  const checkpoint =
    signed + witnessSigners.map((signer, i) => cosignCheckpoint(body, signer, 1_793_000_000 + i)).join("");

  return {
    file: {
      receipt: receipt as unknown as Record<string, unknown>,
      jws,
      verify: { jwks: "https://portal.test/api/receipts/jwks" },
      proof: { log: FIXTURE_LOG_ORIGIN, leafIndex: 4, leafData, inclusionProof, checkpoint },
    },
    logKey: verifierKeyOf(logSigner),
    witnessKeys: witnessSigners.map((signer) => verifierKeyOf(signer)),
    jwks: { keys: [jwk] },
    logSigner,
    witnessSigners,
    leafDatas,
  };
}
