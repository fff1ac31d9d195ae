/**
 * Auth0's attack protection at the login page, as documented for a tenant:
 * - brute-force protection: 10 consecutive failed logins for one user from one IP address block
 *   that user from that address (even with the right password) until unblocked: by a password
 *   reset (password-reset.ts; Auth0's unblock email is not emulated), or by an admin through
 *   `DELETE /api/v2/user-blocks/{id}`; a successful login resets the count;
 * - suspicious IP throttling: at most 100 failed logins per address per hour, then 429 with
 *   Retry-After until the hour is over.
 * Kept in memory: a restarted emulator forgets blocks, which a development tenant can afford.
 */
export const USER_BLOCK_THRESHOLD = 10;
export const IP_FAILURES_PER_HOUR = 100;
const HOUR_MS = 3_600_000;

export type LoginCheck =
  | { allowed: true }
  | { allowed: false; reason: "user_blocked" }
  | { allowed: false; reason: "ip_throttled"; retryAfterSeconds: number };

export class BruteForceProtection {
  private readonly consecutive = new Map<string, number>();
  private readonly blocked = new Map<string, Set<string>>();
  private readonly ipWindows = new Map<string, { start: number; failures: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Before checking the password: may this address try this user at all? */
  check(ip: string, userId: string | undefined): LoginCheck {
    const window = this.ipWindows.get(ip);
    if (window && this.now() - window.start < HOUR_MS && window.failures >= IP_FAILURES_PER_HOUR) {
      return {
        allowed: false,
        reason: "ip_throttled",
        retryAfterSeconds: Math.max(1, Math.ceil((window.start + HOUR_MS - this.now()) / 1000)),
      };
    }
    if (userId && this.blocked.get(userId)?.has(ip)) return { allowed: false, reason: "user_blocked" };
    return { allowed: true };
  }

  recordFailure(ip: string, userId: string | undefined): void {
    const window = this.ipWindows.get(ip);
    if (!window || this.now() - window.start >= HOUR_MS) this.ipWindows.set(ip, { start: this.now(), failures: 1 });
    else window.failures += 1;
    if (!userId) return;
    const key = `${userId}\n${ip}`;
    const count = (this.consecutive.get(key) ?? 0) + 1;
    this.consecutive.set(key, count);
    if (count >= USER_BLOCK_THRESHOLD) {
      const addresses = this.blocked.get(userId) ?? new Set<string>();
      addresses.add(ip);
      this.blocked.set(userId, addresses);
    }
  }

  recordSuccess(ip: string, userId: string): void {
    this.consecutive.delete(`${userId}\n${ip}`);
  }

  /** The addresses this user is blocked from (GET /api/v2/user-blocks/{id}). */
  blocksOf(userId: string): string[] {
    return [...(this.blocked.get(userId) ?? [])];
  }

  /** DELETE /api/v2/user-blocks/{id}: the user may log in again from everywhere. */
  unblock(userId: string): void {
    this.blocked.delete(userId);
    for (const key of [...this.consecutive.keys()]) {
      if (key.startsWith(`${userId}\n`)) this.consecutive.delete(key);
    }
  }
}
