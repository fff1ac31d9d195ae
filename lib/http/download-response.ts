import "server-only";
import { Readable } from "node:stream";
import type { ExportFile } from "@/lib/exports/open-export-job-file";

/** A file streamed to the browser as a download; it is never cached. */
export function downloadResponse(file: ExportFile): Response {
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
