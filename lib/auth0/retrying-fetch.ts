/**
 * The Management API's retry rules, as a `fetch` the `auth0` SDK uses for every call (API and
 * `/oauth/token`): 429 waits until `x-ratelimit-reset` (plus jitter), 5xx and network errors back
 * off exponentially with jitter. A wait longer than `maxDelayMs` is not taken: the response goes
 * back to the caller (the outbox then reschedules the message instead of holding a worker).
 */
export interface RetryPolicy {
  /** Tries per request, including the first. */
  maxAttempts: number;
  /** First backoff for 5xx / network errors; doubles per attempt. */
  baseDelayMs: number;
  /** Longest single wait. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 300, maxDelayMs: 10_000 };

const RETRYABLE_5XX = new Set([500, 502, 503, 504]);

/**
 * How long to wait before retrying a response, or null to give up. `attempt` counts from 1 (the
 * request that produced `status`). `random` is injectable for tests.
 */
export function retryDelayMs(input: {
  status: number;
  rateLimitReset: string | null;
  attempt: number;
  policy: RetryPolicy;
  idempotent: boolean;
  now?: number;
  random?: () => number;
}): number | null {
  const { status, attempt, policy, idempotent } = input;
  const now = input.now ?? Date.now();
  const random = input.random ?? Math.random;
  if (attempt >= policy.maxAttempts) return null;
  if (status === 429) {
    // Auth0 sends the epoch second at which the bucket has refilled; jitter spreads the herd.
    const reset = Number(input.rateLimitReset);
    const untilReset =
      Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : backoff(attempt, policy, random);
    const delay = untilReset + random() * Math.min(1000, policy.baseDelayMs);
    return delay <= policy.maxDelayMs ? Math.round(delay) : null;
  }
  // A 5xx may have been applied already: only repeat requests that are safe to repeat.
  if (RETRYABLE_5XX.has(status) && idempotent) return backoff(attempt, policy, random);
  return null;
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `next` (the global fetch by default) with the retry policy. Requests with a streamed body are
 * not retried.
 */
export function createRetryingFetch(options: { policy?: RetryPolicy; fetch?: typeof fetch } = {}): typeof fetch {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const next = options.fetch ?? fetch;
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const replayable =
      init?.body === undefined ||
      init.body === null ||
      typeof init.body === "string" ||
      init.body instanceof URLSearchParams;
    // The token request is safe to repeat; so are GET, PUT, PATCH (we always send whole objects) and DELETE.
    const idempotent = method !== "POST" || new URL(url).pathname === "/oauth/token";
    for (let attempt = 1; ; attempt += 1) {
      let response: Response;
      try {
        response = await next(input, init);
      } catch (error) {
        // Network failure: nothing reached Auth0, or we cannot tell; retry only what is safe to repeat.
        if (init?.signal?.aborted || !replayable || !idempotent || attempt >= policy.maxAttempts) throw error;
        await sleep(backoff(attempt, policy, Math.random), init?.signal);
        continue;
      }
      const delay = replayable
        ? retryDelayMs({
            status: response.status,
            rateLimitReset: response.headers.get("x-ratelimit-reset"),
            attempt,
            policy,
            idempotent,
          })
        : null;
      if (delay === null) return response;
      await response.body?.cancel();
      await sleep(delay, init?.signal);
    }
  };
}
