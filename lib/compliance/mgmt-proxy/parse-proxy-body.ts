import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { parseJsonText, readBodyText } from "@/lib/http/request-body";
import { invalidRequest, namedIssues } from "./proxy-routes";

/** Bodies are small JSON objects; Auth0's own metadata limit is far below this. */
export const MAX_BODY_BYTES = 1_000_000;

/**
 * A proxied request's JSON body, checked as Auth0 would (media type, size, syntax, a non-empty
 * object) and then against the route's schema. It is read only here, for a route that takes a
 * body and after the role check, and never past MAX_BODY_BYTES however it is sent (chunked or
 * not); nesting is bounded before parsing. Refusals are thrown, in Auth0's words.
 */
export async function parseProxyBody<S extends z.ZodType>(
  request: { contentType: string | null; body: ReadableStream<Uint8Array> | null },
  schema: S,
): Promise<z.output<S>> {
  const type = request.contentType?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("unsupported_media_type", "Send the body as application/json.", {
      errorCode: "unsupported_media_type",
    });
  }
  const raw = parseJsonText(await readBodyText(request.body, MAX_BODY_BYTES));
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0) {
    throw new AppError("bad_request", "Payload validation error: send at least one property", {
      errorCode: "invalid_body",
      issues: [{ field: "(body)", reason: "Send at least one property" }],
    });
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw invalidRequest("Payload", "invalid_body", namedIssues(parsed.error, "Not an allowed property here"));
}
