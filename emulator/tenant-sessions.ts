import type { Adapter, AdapterPayload } from "oidc-provider";

interface Stored {
  payload: AdapterPayload;
  /** Epoch ms; Infinity when oidc-provider gave no lifetime. */
  expiresAt: number;
}

/** The fields of oidc-provider's Session model the Management API reports. */
interface SessionPayload extends AdapterPayload {
  accountId?: string;
  loginTs?: number;
  iat?: number;
  exp?: number;
  authorizations?: Record<string, { sid?: string }>;
}

/** A tenant login session as Auth0's Management API returns it (GET /api/v2/users/{id}/sessions). */
export interface Auth0Session {
  id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  authenticated_at: string;
  expires_at: string;
  clients: Array<{ client_id: string }>;
  authentication: { methods: Array<{ name: string; timestamp: string }> };
}

const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
]);

const isoSeconds = (epochSeconds: number | undefined) => new Date((epochSeconds ?? 0) * 1000).toISOString();

/**
 * oidc-provider's storage, in memory as its own development adapter, but with the tenant's login
 * sessions (the SSO cookie's server side) listable and deletable per user: Auth0's
 * `GET`/`DELETE /api/v2/users/{id}/sessions` and `DELETE /api/v2/sessions/{id}`. A deleted session
 * is gone, so the next /authorize in that browser shows the login page again.
 */
export class TenantSessions {
  private readonly records = new Map<string, Stored>();
  /** `Session` uid → id, grant id → keys of its tokens, user code → id: the lookups oidc-provider needs. */
  private readonly sessionUids = new Map<string, string>();
  private readonly grantMembers = new Map<string, Set<string>>();
  private readonly userCodes = new Map<string, string>();

  /** The factory oidc-provider's `adapter` option takes: one adapter per model. */
  readonly adapter = (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    // oidc-provider awaits each call; the store answers at once.
    return {
      upsert: (id, payload, expiresIn) => {
        this.remove(key(id));
        const expiresAt = typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Infinity;
        this.records.set(key(id), { payload, expiresAt });
        if (model === "Session" && payload.uid) this.sessionUids.set(payload.uid, id);
        if (payload.userCode) this.userCodes.set(payload.userCode, id);
        if (GRANTABLE.has(model) && payload.grantId) {
          const members = this.grantMembers.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          this.grantMembers.set(payload.grantId, members);
        }
        return Promise.resolve();
      },
      find: (id) => Promise.resolve(this.read(key(id))),
      findByUid: (uid) => {
        const id = this.sessionUids.get(uid);
        return Promise.resolve(id === undefined ? undefined : this.read(key(id)));
      },
      findByUserCode: (userCode) => {
        const id = this.userCodes.get(userCode);
        return Promise.resolve(id === undefined ? undefined : this.read(key(id)));
      },
      consume: (id) => {
        const stored = this.read(key(id));
        if (stored) stored.consumed = Math.floor(Date.now() / 1000);
        return Promise.resolve();
      },
      destroy: (id) => {
        this.remove(key(id));
        return Promise.resolve();
      },
      revokeByGrantId: (grantId) => {
        for (const member of this.grantMembers.get(grantId) ?? []) this.remove(member);
        this.grantMembers.delete(grantId);
        return Promise.resolve();
      },
    };
  };

  /** The user's live login sessions, oldest first. */
  sessionsOf(userId: string): Auth0Session[] {
    return this.liveSessions()
      .filter(({ payload }) => payload.accountId === userId)
      .map(({ payload }) => toAuth0Session(payload))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Deletes every login session of the user; returns how many there were. */
  deleteSessionsOf(userId: string): number {
    const ended = this.liveSessions().filter(({ payload }) => payload.accountId === userId);
    for (const { key } of ended) this.remove(key);
    return ended.length;
  }

  /** Deletes one login session by its Auth0 id (the `sid` of its ID tokens); false if there is none. */
  deleteSession(sessionId: string): boolean {
    const found = this.liveSessions().find(({ payload }) => toAuth0Session(payload).id === sessionId);
    if (found) this.remove(found.key);
    return found !== undefined;
  }

  private liveSessions(): Array<{ key: string; payload: SessionPayload }> {
    const sessions: Array<{ key: string; payload: SessionPayload }> = [];
    for (const key of this.records.keys()) {
      if (!key.startsWith("Session:")) continue;
      const payload = this.read(key);
      if (payload?.accountId) sessions.push({ key, payload });
    }
    return sessions;
  }

  private read(key: string): SessionPayload | undefined {
    const stored = this.records.get(key);
    if (!stored) return undefined;
    if (stored.expiresAt <= Date.now()) {
      this.remove(key);
      return undefined;
    }
    return stored.payload;
  }

  private remove(key: string): void {
    const stored = this.records.get(key);
    if (!stored) return;
    this.records.delete(key);
    const id = key.slice(key.indexOf(":") + 1);
    const { uid, userCode, grantId } = stored.payload;
    if (uid && this.sessionUids.get(uid) === id) this.sessionUids.delete(uid);
    if (userCode && this.userCodes.get(userCode) === id) this.userCodes.delete(userCode);
    if (grantId) this.grantMembers.get(grantId)?.delete(key);
  }
}

/** Auth0's session id is the `sid` claim of the ID tokens issued in it (one per application here). */
function toAuth0Session(payload: SessionPayload): Auth0Session {
  const authorizations = Object.entries(payload.authorizations ?? {});
  const id = authorizations.find(([, authorization]) => authorization.sid)?.[1].sid ?? String(payload.jti);
  return {
    id,
    user_id: payload.accountId!,
    created_at: isoSeconds(payload.iat),
    updated_at: isoSeconds(payload.iat),
    authenticated_at: isoSeconds(payload.loginTs),
    expires_at: isoSeconds(payload.exp),
    clients: authorizations.map(([clientId]) => ({ client_id: clientId })),
    authentication: { methods: [{ name: "pwd", timestamp: isoSeconds(payload.loginTs) }] },
  };
}
