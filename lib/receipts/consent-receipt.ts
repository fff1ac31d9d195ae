/**
 * A consent receipt: the Kantara Initiative Consent Receipt v1.1 fields at the top level, the
 * ISO/IEC TS 27560 consent record fields under `iso27560`, and the ledger position that lets
 * anyone match the receipt to the hash chain. Signed as a JWS (EdDSA) with JWT claims
 * `iss`, `sub` (the pseudonymous subject id), `iat` and `jti` (the receipt id).
 */
export interface ConsentReceipt {
  // Kantara Consent Receipt v1.1
  version: "KI-CR-v1.1.0";
  jurisdiction: string;
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  language: string;
  piiPrincipalId: string;
  piiControllers: Array<{ piiController: string; contact: string; email: string; piiControllerUrl: string }>;
  policyUrl: string;
  services: Array<{
    service: string;
    purposes: Array<{
      purpose: string;
      purposeCategory: string[];
      consentType: "EXPLICIT";
      piiCategory: string[];
      primaryPurpose: boolean;
      termination: string;
      thirdPartyDisclosure: boolean;
    }>;
  }>;
  sensitive: boolean;
  spiCat: string[];
  // ISO/IEC TS 27560:2023 consent record
  iso27560: {
    schemaVersion: "ISO/IEC TS 27560:2023";
    recordId: string;
    piiPrincipalId: string;
    piiController: { name: string; contact: string };
    /** `version` and `textSha256`: the purpose wording shown (PurposeVersion, ADR 025). */
    purposes: Array<{
      id: string;
      description: string;
      lawfulBasis: "consent";
      required: boolean;
      version: number;
      textSha256: string;
    }>;
    notice: { kind: string; url: string; version: string; textSha256: string | null };
    event: { type: "granted" | "withdrawn"; time: string; method: string; actorType: string };
    state: "active" | "withdrawn";
    jurisdiction: string;
  };
  /**
   * `hashVersion` 2: the event's hash covers the purpose wording's `textSha256`; 1: the event was
   * recorded before purpose wording was versioned, and the wording is the purpose's version 1.
   */
  ledger: { subjectId: string; seq: number; hashVersion: number; hash: string; prevHash: string };
}

export interface ReceiptFacts {
  event: {
    id: string;
    subjectId: string;
    seq: number;
    hashVersion: number;
    action: "granted" | "withdrawn";
    method: string;
    actorType: string;
    serverTime: Date;
    policyTextSha256: string | null;
    hash: string;
    prevHash: string;
  };
  /** From the immutable purpose version the event was decided under, never the live Purpose row. */
  purpose: { key: string; title: string; description: string; required: boolean; version: number; textSha256: string };
  policy: { kind: string; version: string; url: string };
  controller: { name: string; email: string; url: string; jurisdiction: string };
  service: string;
}

/**
 * Builds a receipt from the facts of one decision (pure). The facts are immutable (the event,
 * its purpose version, its policy version) and so is the result: the same receipt at any time.
 */
export function buildConsentReceipt({ event, purpose, policy, controller, service }: ReceiptFacts): ConsentReceipt {
  return {
    version: "KI-CR-v1.1.0",
    jurisdiction: controller.jurisdiction,
    consentTimestamp: Math.floor(event.serverTime.getTime() / 1000),
    collectionMethod: event.method,
    consentReceiptID: event.id,
    language: "en",
    piiPrincipalId: event.subjectId,
    piiControllers: [
      {
        piiController: controller.name,
        contact: controller.email,
        email: controller.email,
        piiControllerUrl: controller.url,
      },
    ],
    policyUrl: policy.url,
    services: [
      {
        service,
        purposes: [
          {
            purpose: purpose.title,
            purposeCategory: [purpose.key],
            consentType: "EXPLICIT",
            piiCategory: ["contact details", "usage data"],
            primaryPurpose: purpose.required,
            termination: "Until withdrawn in the portal (My consents), or on account deletion",
            thirdPartyDisclosure: false,
          },
        ],
      },
    ],
    sensitive: false,
    spiCat: [],
    iso27560: {
      schemaVersion: "ISO/IEC TS 27560:2023",
      recordId: event.id,
      piiPrincipalId: event.subjectId,
      piiController: { name: controller.name, contact: controller.email },
      purposes: [
        {
          id: purpose.key,
          description: purpose.description,
          lawfulBasis: "consent",
          required: purpose.required,
          version: purpose.version,
          textSha256: purpose.textSha256,
        },
      ],
      notice: { kind: policy.kind, url: policy.url, version: policy.version, textSha256: event.policyTextSha256 },
      event: {
        type: event.action,
        time: event.serverTime.toISOString(),
        method: event.method,
        actorType: event.actorType,
      },
      state: event.action === "granted" ? "active" : "withdrawn",
      jurisdiction: controller.jurisdiction,
    },
    ledger: {
      subjectId: event.subjectId,
      seq: event.seq,
      hashVersion: event.hashVersion,
      hash: event.hash,
      prevHash: event.prevHash,
    },
  };
}
