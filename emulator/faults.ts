import { z } from "zod";

/**
 * Faults the emulator can inject so the portal's retry, backoff and outbox code can be tested
 * against a misbehaving Auth0. All off by default. Set them with `startEmulator({ faults })`
 * or at run time with `POST /__emulator/faults` (same shape, replaces the whole setting).
 */
export interface FaultOptions {
  /** Delay added before each affected request is answered, in milliseconds. */
  latencyMs?: number;
  /** Share (0..1) of affected requests answered with `errorStatus`. */
  errorRate?: number;
  /** Status of injected server errors: 500, 502, 503 (default) or 504. */
  errorStatus?: 500 | 502 | 503 | 504;
  /** Share (0..1) of affected requests answered with 429 whatever the bucket holds. */
  rateLimitRate?: number;
  /** The next N affected requests fail with `errorStatus` (deterministic; counts down). */
  failNext?: number;
  /** The next N affected requests get a 429 (deterministic; counts down). */
  rateLimitNext?: number;
  /** Path prefixes the faults apply to. Default `["/api/v2/"]`; add `/oauth/token` or `/dbconnections/signup` to hit those too. */
  paths?: string[];
}

export const faultOptionsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  errorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  rateLimitRate: z.number().min(0).max(1).optional(),
  failNext: z.number().int().min(0).optional(),
  rateLimitNext: z.number().int().min(0).optional(),
  paths: z.array(z.string().startsWith("/")).optional(),
});

export type FaultDecision = { kind: "none" } | { kind: "error"; status: number } | { kind: "rate-limit" };

const NO_FAULTS: Required<FaultOptions> = {
  latencyMs: 0,
  errorRate: 0,
  errorStatus: 503,
  rateLimitRate: 0,
  failNext: 0,
  rateLimitNext: 0,
  paths: ["/api/v2/"],
};

export class FaultInjector {
  private settings: Required<FaultOptions> = { ...NO_FAULTS };

  constructor(
    options: FaultOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.configure(options);
  }

  configure(options: FaultOptions): void {
    this.settings = { ...NO_FAULTS, ...options, paths: [...(options.paths ?? NO_FAULTS.paths)] };
  }

  current(): Required<FaultOptions> {
    return { ...this.settings, paths: [...this.settings.paths] };
  }

  appliesTo(path: string): boolean {
    return this.settings.paths.some((prefix) => path.startsWith(prefix));
  }

  async delay(): Promise<void> {
    const ms = this.settings.latencyMs;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Decides (and counts down the deterministic counters) for one affected request. */
  decide(): FaultDecision {
    if (this.settings.rateLimitNext > 0) {
      this.settings.rateLimitNext -= 1;
      return { kind: "rate-limit" };
    }
    if (this.settings.failNext > 0) {
      this.settings.failNext -= 1;
      return { kind: "error", status: this.settings.errorStatus };
    }
    if (this.settings.rateLimitRate > 0 && this.random() < this.settings.rateLimitRate) return { kind: "rate-limit" };
    if (this.settings.errorRate > 0 && this.random() < this.settings.errorRate) {
      return { kind: "error", status: this.settings.errorStatus };
    }
    return { kind: "none" };
  }
}
