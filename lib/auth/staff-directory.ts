import "server-only";
import { normalizeEmail } from "@/lib/crypto/blind-index";
import { db, type Tx } from "@/lib/db/client";

// The staff directory (ADR 041): staff members' email addresses by the pseudonymous id the
// evidence keeps (their Auth0 user id), beside the evidence and not part of it. It is a
// projection of what Auth0 says at sign-in and at role changes, like the session rows: writing
// it records no decision, so it has no audit row of its own.

/** Remembers (or updates) a staff member's email; called at a staff sign-in and a role change. */
export async function recordStaffMember(member: { staffId: string; email: string }, tx?: Tx): Promise<void> {
  const email = normalizeEmail(member.email);
  await (tx ?? db()).staffDirectoryEntry.upsert({
    where: { staffId: member.staffId },
    create: { staffId: member.staffId, email },
    update: { email },
  });
}

/** Forgets a staff member (their erasure): evidence rows keep the id, which then names nobody. */
export async function forgetStaffMember(staffId: string, tx?: Tx): Promise<void> {
  await (tx ?? db()).staffDirectoryEntry.deleteMany({ where: { staffId } });
}

/** Emails of these staff ids, for the ids the directory knows. */
export async function readStaffEmails(staffIds: Iterable<string | null | undefined>): Promise<Map<string, string>> {
  const ids = [...new Set([...staffIds].filter((id): id is string => Boolean(id)))];
  if (ids.length === 0) return new Map();
  const rows = await db().staffDirectoryEntry.findMany({ where: { staffId: { in: ids } } });
  return new Map(rows.map((row) => [row.staffId, row.email]));
}

/** The staff ids that have (had) this email address; usually one. */
export async function findStaffIdsByEmail(email: string, tx?: Tx): Promise<string[]> {
  const rows = await (tx ?? db()).staffDirectoryEntry.findMany({
    where: { email: normalizeEmail(email) },
    select: { staffId: true },
  });
  return rows.map((row) => row.staffId);
}
