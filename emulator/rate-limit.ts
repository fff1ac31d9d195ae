export interface RateLimitOptions {
  /** Off answers every request, but the x-ratelimit-* headers are still sent. Default true. */
  enabled?: boolean;
  /** Bucket size, sent as `x-ratelimit-limit`. */
  limit?: number;
  /** Tokens added back per second. */
  refillPerSecond?: number;
}

/**
 * Auth0 limits the Management API per tenant with a token bucket: a burst up to the bucket
 * size, then a steady refill rate. The default is on but generous (100 requests of burst,
 * 50 per second), so tests and the demo never trip it by accident; a test that wants 429s
 * sets a small bucket through the options or `POST /__emulator/rate-limit`.
 */
const DEFAULT_RATE_LIMIT: Required<RateLimitOptions> = { enabled: true, limit: 100, refillPerSecond: 50 };

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix time (seconds) at which the bucket is full again. */
  reset: number;
}

export class TokenBucket {
  private options: Required<RateLimitOptions> = DEFAULT_RATE_LIMIT;
  private tokens = DEFAULT_RATE_LIMIT.limit;
  private updatedAt: number;

  constructor(
    options: RateLimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.updatedAt = now();
    this.configure(options);
  }

  /** Replaces the settings and refills the bucket. */
  configure(options: RateLimitOptions): void {
    this.options = { ...DEFAULT_RATE_LIMIT, ...options };
    this.tokens = this.options.limit;
    this.updatedAt = this.now();
  }

  settings(): Required<RateLimitOptions> {
    return { ...this.options };
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.options.limit, this.tokens + elapsedSeconds * this.options.refillPerSecond);
    this.updatedAt = now;
  }

  private resetAt(): number {
    const missing = this.options.limit - this.tokens;
    const seconds = this.options.refillPerSecond > 0 ? missing / this.options.refillPerSecond : 0;
    return Math.ceil((this.now() + seconds * 1000) / 1000);
  }

  /** Takes one token if there is one. */
  take(): RateLimitDecision {
    this.refill();
    const limit = this.options.limit;
    if (!this.options.enabled) {
      return { allowed: true, limit, remaining: limit, reset: Math.ceil(this.now() / 1000) };
    }
    if (this.tokens < 1) {
      return { allowed: false, limit, remaining: 0, reset: this.resetAt() };
    }
    this.tokens -= 1;
    return { allowed: true, limit, remaining: Math.floor(this.tokens), reset: this.resetAt() };
  }
}

export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    "x-ratelimit-limit": String(decision.limit),
    "x-ratelimit-remaining": String(decision.remaining),
    "x-ratelimit-reset": String(decision.reset),
  };
}
