import "server-only";
import { randomUUID } from "node:crypto";
import { computeEmailBlindIndex, normalizeEmail } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import { db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/transaction";
import { parseInput } from "@/lib/errors";
import { ensureSubjectSchema, type EnsureSubjectInput } from "./schemas";
import { openProfile, resealProfile, sealNewProfile, toSubjectView, type SubjectView } from "./subject-profile";

/**
 * The subject for an Auth0 user, created on first sight (sign-up or first sign-in). Stores the
 * email only encrypted, plus its blind index; updates both when the address changed in Auth0
 * (and forgets that the old one was verified).
 * Safe when two requests for a new user race (the unique Auth0 id decides, the loser re-reads).
 */
export async function ensureSubject(input: EnsureSubjectInput, tx?: Tx): Promise<SubjectView> {
  const { auth0UserId, email, name, emailVerified } = parseInput(ensureSubjectSchema, input);
  const client = tx ?? db();
  const profile = { email: normalizeEmail(email), name: name ?? null };
  const emailBlindIndex = computeEmailBlindIndex(emailBlindIndexKey(), email);

  const existing = await client.subject.findUnique({ where: { auth0UserId } });
  if (existing) {
    const current = openProfile(existing);
    if (existing.wrappedKey && (current?.email !== profile.email || current?.name !== profile.name)) {
      const updated = await client.subject.update({
        where: { id: existing.id },
        data: {
          emailBlindIndex,
          profileCiphertext: resealProfile(existing.id, existing.wrappedKey, profile),
          // A new address is not proved by the old one's verification (ADR 040).
          ...(current?.email === profile.email ? {} : { emailVerifiedAt: null }),
        },
      });
      return toSubjectView(updated);
    }
    return toSubjectView(existing);
  }

  const id = randomUUID();
  try {
    const created = await client.subject.create({
      data: {
        id,
        auth0UserId,
        emailBlindIndex,
        ...sealNewProfile(id, profile),
        ...(emailVerified ? { emailVerifiedAt: new Date() } : {}),
      },
    });
    return toSubjectView(created);
  } catch (error) {
    // Inside a caller's transaction the failed insert has aborted it; only a fresh read can recover.
    if (!tx && isUniqueViolation(error)) {
      return toSubjectView(await db().subject.findUniqueOrThrow({ where: { auth0UserId } }));
    }
    throw error;
  }
}
