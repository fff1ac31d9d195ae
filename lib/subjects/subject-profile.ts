import "server-only";
import { decryptWithKey, DecryptionError, encryptWithKey, generateDataKey } from "@/lib/crypto/aes-gcm";
import { masterKeys } from "@/lib/crypto/ledger-keys";
import { unwrapDataKey, wrapDataKey } from "@/lib/crypto/wrapped-data-key";
import type { Subject } from "@/lib/generated/prisma/client";

/** The personal data kept about a subject, only ever stored encrypted under their data key. */
export interface SubjectProfile {
  email: string;
  name: string | null;
}

/** What pages see of a subject: decrypted profile while it exists, nulls once erased. */
export interface SubjectView {
  id: string;
  auth0UserId: string | null;
  email: string | null;
  name: string | null;
  createdAt: Date;
  erasedAt: Date | null;
  /** When the portal learned from Auth0 that the address is verified (ADR 040). */
  emailVerifiedAt: Date | null;
  /** Number of ledger events (the head of the chain). */
  lastSeq: number;
}

// Both ciphertexts are bound to the subject id, so rows cannot be swapped between subjects.
const keyContext = (subjectId: string) => `subject:${subjectId}:data-key`;
const profileContext = (subjectId: string) => `subject:${subjectId}:profile`;

// Prisma's Bytes columns take a plain ArrayBuffer-backed Uint8Array.
const bytes = (buffer: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(buffer);

/** A new data key for the subject, wrapped by the current master key, and the profile sealed under it. */
export function sealNewProfile(subjectId: string, profile: SubjectProfile) {
  const dataKey = generateDataKey();
  return {
    wrappedKey: bytes(wrapDataKey(masterKeys(), dataKey, keyContext(subjectId))),
    profileCiphertext: bytes(
      encryptWithKey(dataKey, Buffer.from(JSON.stringify(profile), "utf8"), profileContext(subjectId)),
    ),
  };
}

/** Re-seals a changed profile under the subject's existing data key. */
export function resealProfile(
  subjectId: string,
  wrappedKey: Uint8Array,
  profile: SubjectProfile,
): Uint8Array<ArrayBuffer> {
  const dataKey = unwrapDataKey(masterKeys(), wrappedKey, keyContext(subjectId));
  return bytes(encryptWithKey(dataKey, Buffer.from(JSON.stringify(profile), "utf8"), profileContext(subjectId)));
}

/** The subject's data key, unchanged, wrapped again by the current master key (`npm run keys:rewrap`). */
export function rewrapDataKey(subjectId: string, wrappedKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const ring = masterKeys();
  return bytes(wrapDataKey(ring, unwrapDataKey(ring, wrappedKey, keyContext(subjectId)), keyContext(subjectId)));
}

/** The decrypted profile, or null when the key is gone (erased) or the data does not decrypt. */
export function openProfile(subject: Pick<Subject, "id" | "wrappedKey" | "profileCiphertext">): SubjectProfile | null {
  if (!subject.wrappedKey || !subject.profileCiphertext) return null;
  try {
    const dataKey = unwrapDataKey(masterKeys(), subject.wrappedKey, keyContext(subject.id));
    return JSON.parse(
      decryptWithKey(dataKey, subject.profileCiphertext, profileContext(subject.id)).toString("utf8"),
    ) as SubjectProfile;
  } catch (error) {
    if (error instanceof DecryptionError) return null;
    throw error;
  }
}

/** The columns a view is made of (a search reads them with raw SQL). */
export type SubjectColumns = Pick<
  Subject,
  "id" | "auth0UserId" | "wrappedKey" | "profileCiphertext" | "createdAt" | "erasedAt" | "emailVerifiedAt" | "lastSeq"
>;

export function toSubjectView(subject: SubjectColumns): SubjectView {
  const profile = openProfile(subject);
  return {
    id: subject.id,
    auth0UserId: subject.auth0UserId,
    email: profile?.email ?? null,
    name: profile?.name ?? null,
    createdAt: subject.createdAt,
    erasedAt: subject.erasedAt,
    emailVerifiedAt: subject.emailVerifiedAt,
    lastSeq: subject.lastSeq,
  };
}
