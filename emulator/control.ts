import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ManagementApiError, zodToManagementError } from "./errors.js";
import { faultOptionsSchema, type FaultInjector } from "./faults.js";
import { readBody, sendJson, sendManagementError } from "./http.js";
import type { TokenBucket } from "./rate-limit.js";

/** Prefix of the test-only control endpoints. Not part of Auth0; never reached by the portal in production. */
export const CONTROL_PREFIX = "/__emulator/";

const rateLimitSchema = z.strictObject({
  enabled: z.boolean().optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
  refillPerSecond: z.number().min(0).max(100_000).optional(),
});

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.trim() === "") return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ManagementApiError(400, "Invalid request payload JSON format", "invalid_body");
  }
}

/**
 * `GET|POST|DELETE /__emulator/faults` and `GET|POST|DELETE /__emulator/rate-limit`.
 * POST replaces the whole setting (omitted fields fall back to defaults); DELETE restores the
 * defaults the emulator was started with. Both answer with the setting now in force.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  controls: { faults: FaultInjector; bucket: TokenBucket; initialFaults: () => void; initialRateLimit: () => void },
): Promise<void> {
  try {
    const method = req.method ?? "GET";
    if (path === `${CONTROL_PREFIX}faults`) {
      if (method === "POST" || method === "PUT") {
        const input = await readJson(req);
        const parsed = faultOptionsSchema.safeParse(input);
        if (!parsed.success) throw zodToManagementError("Payload", parsed.error.issues, input);
        controls.faults.configure(parsed.data);
      } else if (method === "DELETE") {
        controls.initialFaults();
      } else if (method !== "GET") {
        throw new ManagementApiError(404, `Not Found: ${method} ${path}`, "not_found");
      }
      sendJson(res, 200, controls.faults.current());
      return;
    }
    if (path === `${CONTROL_PREFIX}rate-limit`) {
      if (method === "POST" || method === "PUT") {
        const input = await readJson(req);
        const parsed = rateLimitSchema.safeParse(input);
        if (!parsed.success) throw zodToManagementError("Payload", parsed.error.issues, input);
        controls.bucket.configure(parsed.data);
      } else if (method === "DELETE") {
        controls.initialRateLimit();
      } else if (method !== "GET") {
        throw new ManagementApiError(404, `Not Found: ${method} ${path}`, "not_found");
      }
      sendJson(res, 200, controls.bucket.settings());
      return;
    }
    throw new ManagementApiError(404, `Not Found: ${path}`, "not_found");
  } catch (error) {
    if (error instanceof ManagementApiError) {
      sendManagementError(res, error);
      return;
    }
    throw error;
  }
}
