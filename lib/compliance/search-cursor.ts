import { z } from "zod";
import { instantSchema } from "@/lib/dates";

/** Position after the last row of a search page: rows are ordered by these three, descending. */
export interface SearchCursor {
  updatedAt: Date;
  subjectId: string;
  purposeId: string;
}

const cursorSchema = z.tuple([instantSchema, z.uuid(), z.uuid()]);

/** An opaque, URL-safe token for the next page. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt.toISOString(), cursor.subjectId, cursor.purposeId])).toString(
    "base64url",
  );
}

/** The cursor, or null when the token was not made by `encodeSearchCursor`. */
export function decodeSearchCursor(token: string): SearchCursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    const [updatedAt, subjectId, purposeId] = parsed.data;
    return { updatedAt: new Date(updatedAt), subjectId, purposeId };
  } catch {
    return null;
  }
}
