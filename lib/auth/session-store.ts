import "server-only";
import { createHash, hkdfSync } from "node:crypto";
import type { LogoutToken, SessionData, SessionDataStore } from "@auth0/nextjs-auth0/types";
import { decryptWithKey, encryptWithKey } from "@/lib/crypto/aes-gcm";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { parseRoles } from "./roles";
import { recordStaffMember } from "./staff-directory";

/** People's sessions: three days from sign-in, however active (as before sessions moved here). */
export const PERSON_SESSION_SECONDS = 3 * 24 * 60 * 60;
/** `last_seen_at` is written at most this often: idle limits are exact to within a minute. */
const TOUCH_RESOLUTION_MS = 60_000;

/** The key the table's rows are stored under: the cookie's id itself never reaches the database. */
function sessionRowId(cookieSessionId: string): string {
  return createHash("sha256").update(cookieSessionId, "utf8").digest("hex");
}

let sealingKey: Buffer | undefined;

/** AES-256 key for the session rows, derived from AUTH0_SECRET (which already guards the cookie). */
function sessionSealingKey(): Buffer {
  sealingKey ??= Buffer.from(hkdfSync("sha256", env().AUTH0_SECRET, "", "consent-portal/portal-session/v1", 32));
  return sealingKey;
}

/** What the portal adds to the SDK's session on read: the row's id, to show and end "this session". */
export type PortalSessionData = SessionData & { portalSessionId: string };

/** Staff sessions are short and end when idle; people's keep the portal's three days. */
function sessionLimits(session: SessionData): {
  staff: boolean;
  maxSeconds: number;
  idleSeconds: number | null;
} {
  const config = env();
  const roles = parseRoles(session.user[config.AUTH0_ROLES_CLAIM]);
  const staff = roles.includes("compliance") || roles.includes("admin");
  return staff
    ? { staff, maxSeconds: config.STAFF_SESSION_MAX_HOURS * 3600, idleSeconds: config.STAFF_SESSION_IDLE_MINUTES * 60 }
    : { staff, maxSeconds: PERSON_SESSION_SECONDS, idleSeconds: null };
}

function seal(rowId: string, session: SessionData): Uint8Array<ArrayBuffer> {
  // The id is added on every read; a session the SDK writes back must not carry it.
  const { portalSessionId: _ignored, ...stored } = session as Partial<PortalSessionData> & SessionData;
  return new Uint8Array(encryptWithKey(sessionSealingKey(), Buffer.from(JSON.stringify(stored), "utf8"), rowId));
}

/**
 * `@auth0/nextjs-auth0`'s session store on PostgreSQL (ADR 035). The cookie holds only the
 * session's id; ending the row here ends every copy of the cookie. Expiry is enforced on read:
 * past `expires_at`, or idle longer than `idle_seconds`, the row is deleted and the SDK sees no
 * session.
 */
export class PostgresSessionStore implements SessionDataStore {
  async get(id: string): Promise<PortalSessionData | null> {
    const rowId = sessionRowId(id);
    const row = await db().portalSession.findUnique({ where: { id: rowId } });
    if (!row) return null;
    const now = Date.now();
    const idleEnd = row.idleSeconds === null ? Infinity : row.lastSeenAt.getTime() + row.idleSeconds * 1000;
    if (row.expiresAt.getTime() <= now || idleEnd <= now) {
      await db().portalSession.deleteMany({ where: { id: rowId } });
      return null;
    }
    if (now - row.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS) {
      await db().portalSession.updateMany({ where: { id: rowId }, data: { lastSeenAt: new Date(now) } });
    }
    const session = JSON.parse(decryptWithKey(sessionSealingKey(), row.data, rowId).toString("utf8")) as SessionData;
    return { ...session, portalSessionId: rowId };
  }

  async set(id: string, session: SessionData): Promise<void> {
    const rowId = sessionRowId(id);
    const limits = sessionLimits(session);
    const createdAt = new Date(session.internal.createdAt * 1000);
    const row = {
      userId: session.user.sub,
      auth0Sid: session.internal.sid || null,
      staff: limits.staff,
      data: seal(rowId, session),
      createdAt,
      lastSeenAt: new Date(),
      expiresAt: new Date(createdAt.getTime() + limits.maxSeconds * 1000),
      idleSeconds: limits.idleSeconds,
    };
    // Staff pages name staff by email from the directory, never from the evidence (ADR 041).
    const email: unknown = session.user.email;
    if (limits.staff && typeof email === "string" && email) {
      await recordStaffMember({ staffId: session.user.sub, email });
    }
    // A new sign-in gets a new id (the SDK regenerates it); an existing row only takes new data.
    await db().portalSession.upsert({
      where: { id: rowId },
      create: { id: rowId, ...row },
      update: { data: row.data },
    });
  }

  async update(id: string, session: SessionData): Promise<boolean> {
    const rowId = sessionRowId(id);
    const { count } = await db().portalSession.updateMany({
      where: { id: rowId },
      data: { data: seal(rowId, session) },
    });
    return count > 0;
  }

  async delete(id: string): Promise<void> {
    await db().portalSession.deleteMany({ where: { id: sessionRowId(id) } });
  }

  /** Back-channel logout from Auth0: the session named by `sid`, or every session of `sub`. */
  async deleteByLogoutToken({ sub, sid }: LogoutToken): Promise<void> {
    if (sid) {
      await db().portalSession.deleteMany({ where: { auth0Sid: sid, ...(sub ? { userId: sub } : {}) } });
    } else if (sub) {
      await db().portalSession.deleteMany({ where: { userId: sub } });
    }
  }
}
