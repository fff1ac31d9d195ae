import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { auth0UserIdSchema, subjectIdSchema } from "./schemas";
import { toSubjectView, type SubjectView } from "./subject-profile";

/** A subject by its pseudonymous id, with the decrypted email (null once erased). */
export async function readSubject(subjectId: string, tx?: Tx): Promise<SubjectView | null> {
  if (!subjectIdSchema.safeParse(subjectId).success) return null;
  const subject = await (tx ?? db()).subject.findUnique({ where: { id: subjectId } });
  return subject ? toSubjectView(subject) : null;
}

/** The subject of an Auth0 user (the signed-in person's `sub`), or null. Erased subjects have no mapping. */
export async function readSubjectByAuth0UserId(auth0UserId: string, tx?: Tx): Promise<SubjectView | null> {
  if (!auth0UserIdSchema.safeParse(auth0UserId).success) return null;
  const subject = await (tx ?? db()).subject.findUnique({ where: { auth0UserId } });
  return subject ? toSubjectView(subject) : null;
}
