import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { ManagementApiError, validationError, zodToManagementError } from "./errors.js";

/** Largest request body the emulator reads (Auth0 rejects larger payloads too). */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError("request entity too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The body of an Authentication API request (`/dbconnections/*`): JSON, or a form. An `error` is
 * the description Auth0's 400 gives for a body too large or not JSON.
 */
export async function readAuthenticationBody(req: IncomingMessage): Promise<{ input: unknown } | { error: string }> {
  let raw: string;
  try {
    raw = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { error: "Request body too large" };
    throw error;
  }
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return { input: Object.fromEntries(new URLSearchParams(raw)) };
  try {
    return { input: JSON.parse(raw) as unknown };
  } catch {
    return { error: "Invalid JSON body" };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

export function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
  });
  res.end(html);
}

/** The JSON body of a Management API request; Auth0's errors for an empty, non-JSON or malformed one. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (raw.trim() === "") throw validationError("Payload", "Expected type object but found type null");
  if (type !== "application/json") {
    throw new ManagementApiError(
      415,
      `Unsupported Media Type: send the body as application/json`,
      "unsupported_media_type",
    );
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ManagementApiError(400, "Invalid request payload JSON format", "invalid_body");
  }
}

/** Validates a request body against a schema, failing with Auth0's "Payload validation error". */
export function parseBody<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw zodToManagementError("Payload", result.error.issues, input);
  return result.data;
}

/** The path's segments, percent-decoded; a bad escape is Auth0's "Path validation error". */
export function decodeSegments(pathname: string): string[] {
  try {
    return pathname
      .split("/")
      .filter((segment) => segment.length > 0)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw validationError("Path", "Invalid percent-encoding in the path");
  }
}

export function sendManagementError(
  res: ServerResponse,
  error: ManagementApiError,
  headers: Record<string, string> = {},
) {
  sendJson(res, error.statusCode, error.toBody(), headers);
}
