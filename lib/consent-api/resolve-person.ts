import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { auth0 } from "@/lib/auth0/auth0-gateway";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import type { PersonReference } from "./schemas";

interface ResolvedSubject {
  id: string;
  erasedAt: Date | null;
}

const notFound = (field: string) => new AppError("not_found", "No such person.", { field: `person.${field}` });

/** The field a person is looked up by: a subject id first, then an Auth0 user id, then the external id. */
function lookupField(person: PersonReference): "subjectId" | "auth0UserId" | "externalId" {
  return person.subjectId ? "subjectId" : person.auth0UserId ? "auth0UserId" : "externalId";
}

/**
 * `findPerson` as SQL, for a read that finds the person and reads their data in one statement
 * (ADR 045): a query of the subject's `id` and `erased_at`, no row when there is no such person
 * (then throw `personNotFound`).
 */
export function personSubjectSql(person: PersonReference, actor: Actor): Prisma.Sql {
  switch (lookupField(person)) {
    case "subjectId":
      return Prisma.sql`SELECT id, erased_at FROM "Subject" WHERE id = ${person.subjectId}::uuid`;
    case "auth0UserId":
      return Prisma.sql`SELECT id, erased_at FROM "Subject" WHERE auth0_user_id = ${person.auth0UserId}`;
    case "externalId":
      return Prisma.sql`
        SELECT s.id, s.erased_at FROM "ApiExternalId" x JOIN "Subject" s ON s.id = x.subject_id
        WHERE x.client_id = ${actor.id} AND x.external_id = ${person.externalId}`;
  }
}

/** The 404 for a person `personSubjectSql` found no row for, naming the field they were looked up by. */
export const personNotFound = (person: PersonReference) => notFound(lookupField(person));

/**
 * The subject a request names, for reading: by subject id, Auth0 user id, or the calling client's
 * external id. Nothing is created by asking.
 */
export async function findPerson(person: PersonReference, actor: Actor, tx: Tx): Promise<ResolvedSubject> {
  const select = { id: true, erasedAt: true } as const;
  if (person.subjectId) {
    const subject = await tx.subject.findUnique({ where: { id: person.subjectId }, select });
    if (!subject) throw notFound("subjectId");
    return subject;
  }
  if (person.auth0UserId) {
    const subject = await tx.subject.findUnique({ where: { auth0UserId: person.auth0UserId }, select });
    if (!subject) throw notFound("auth0UserId");
    return subject;
  }
  const link = await tx.apiExternalId.findUnique({
    where: { clientId_externalId: { clientId: actor.id, externalId: person.externalId! } },
    select: { subject: { select } },
  });
  if (!link) throw notFound("externalId");
  return link.subject;
}

/**
 * For a write by Auth0 user id of someone who has never signed in to the portal: their subject
 * is created from the Auth0 user (race-safe, see ensureSubject). Runs before the write's
 * transaction, so no Auth0 call holds a database connection.
 */
export async function ensurePersonForWrite(person: PersonReference): Promise<void> {
  if (!person.auth0UserId) return;
  // Known already (the usual case, and every retry): Auth0 is not asked.
  if (await db().subject.findUnique({ where: { auth0UserId: person.auth0UserId }, select: { id: true } })) return;
  const user = await auth0().getUser(person.auth0UserId, { fields: "user_id,email,name", includeFields: true });
  if (!user?.email) throw notFound("auth0UserId");
  await ensureSubject({ auth0UserId: person.auth0UserId, email: user.email, name: user.name ?? null });
}

/**
 * Links the client's external id to the subject (one id per person and client, one person per
 * id). Already linked the same way: nothing to do; linked otherwise: 409.
 */
export async function linkExternalId(subjectId: string, externalId: string, actor: Actor, tx: Tx): Promise<void> {
  // No conflict target: either unique index (the id taken, or the person already has another id) ends in DO NOTHING.
  await tx.$executeRaw`
    INSERT INTO "ApiExternalId" (client_id, external_id, subject_id)
    VALUES (${actor.id}, ${externalId}, ${subjectId}::uuid) ON CONFLICT DO NOTHING`;
  const link = await tx.apiExternalId.findUnique({
    where: { clientId_externalId: { clientId: actor.id, externalId } },
    select: { subjectId: true },
  });
  if (link?.subjectId !== subjectId) {
    throw new AppError(
      "conflict",
      link
        ? "This external id is linked to another person."
        : "This person is already linked to another external id of yours.",
      { field: "person.externalId" },
    );
  }
}
