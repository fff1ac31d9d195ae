import "server-only";
import { z } from "zod";
import { db, type Tx } from "@/lib/db/client";
import type { ConsentStatus, PolicyKind, Purpose, PurposeVersion } from "@/lib/generated/prisma/client";
import type { PolicyVersionSummary } from "@/lib/policies/read-policy-versions";
import { currentPurposeVersions, listPurposeVersions, wordingOf } from "@/lib/policies/read-purpose-versions";

interface PurposeConsent {
  /** Its `title` and `description` are the current wording (`wording`). */
  purpose: Purpose;
  /** The current wording: what is shown now, and recorded with a new grant. */
  wording: PurposeVersion;
  /** The wording the current decision was made under (null: no decision yet). */
  decidedWording: PurposeVersion | null;
  /** A version published since the decision requires re-consent: show the new wording and what changed. */
  rewordedSinceDecision: boolean;
  /** `never` when the person has made no decision about this purpose. */
  status: ConsentStatus | "never";
  /** The version the current decision was made under. */
  policyVersion: PolicyVersionSummary | null;
  updatedAt: Date | null;
  /** The event behind the current state (its receipt is `issueConsentReceipt(eventId)`). */
  eventId: string | null;
  /** Granted under a policy version or a purpose wording superseded by one that requires re-consent. */
  needsReconsent: boolean;
}

export interface ConsentStatusView {
  subjectId: string;
  erased: boolean;
  purposes: PurposeConsent[];
  /** Required purposes not currently granted: the person must agree before using the service. */
  missingRequired: string[];
  /** Some granted purpose needs re-consent (show the re-consent gate). */
  needsReconsent: boolean;
  /** The versions in force, to show (and pass as `policyVersionIds` to `grantConsent`). */
  currentPolicies: Record<PolicyKind, PolicyVersionSummary | null>;
}

/** Current consent per purpose for a subject, with what the re-consent gate needs. */
export async function readConsentStatus(subjectId: string, tx?: Tx): Promise<ConsentStatusView | null> {
  if (!z.uuid().safeParse(subjectId).success) return null;
  const client = tx ?? db();
  const subject = await client.subject.findUnique({ where: { id: subjectId }, select: { id: true, erasedAt: true } });
  if (!subject) return null;
  const [purposes, states, versions, wordings] = await Promise.all([
    // Retired purposes are no longer offered; their decisions stay in the history.
    client.purpose.findMany({
      where: { retiredAt: null },
      orderBy: [{ required: "desc" }, { position: "asc" }, { key: "asc" }],
    }),
    client.consentState.findMany({ where: { subjectId } }),
    client.policyVersion.findMany({ orderBy: [{ publishedAt: "asc" }, { id: "asc" }], omit: { text: true } }),
    listPurposeVersions({}, tx),
  ]);
  const currentWording = currentPurposeVersions(wordings);
  const latest = (kind: PolicyKind) => versions.filter((version) => version.kind === kind).at(-1) ?? null;
  const currentPolicies = { terms: latest("terms"), privacy: latest("privacy") };

  const rows: PurposeConsent[] = purposes.map((purpose) => {
    const state = states.find((row) => row.purposeId === purpose.id);
    const policyVersion = versions.find((version) => version.id === state?.policyVersionId) ?? null;
    const decidedWording = state ? wordingOf(state, wordings) : null;
    const rewordedSinceDecision =
      state?.status === "granted" &&
      wordings.some(
        (wording) =>
          wording.purposeId === purpose.id &&
          wording.requiresReconsent &&
          wording.version > (decidedWording?.version ?? 0),
      );
    const needsReconsent =
      state?.status === "granted" &&
      (rewordedSinceDecision ||
        versions.some(
          (version) =>
            version.kind === purpose.policyKind &&
            version.requiresReconsent &&
            (!policyVersion || version.publishedAt > policyVersion.publishedAt),
        ));
    const wording = currentWording.get(purpose.id);
    if (!wording) throw new Error(`Purpose ${purpose.key} has no version`);
    return {
      purpose,
      wording,
      decidedWording,
      rewordedSinceDecision,
      status: state?.status ?? "never",
      policyVersion,
      updatedAt: state?.updatedAt ?? null,
      eventId: state?.eventId ?? null,
      needsReconsent,
    };
  });
  return {
    subjectId,
    erased: subject.erasedAt !== null,
    purposes: rows,
    missingRequired: rows
      .filter((row) => row.purpose.required && row.status !== "granted")
      .map((row) => row.purpose.key),
    needsReconsent: rows.some((row) => row.needsReconsent),
    currentPolicies,
  };
}
