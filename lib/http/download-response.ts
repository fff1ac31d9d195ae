import "server-only";
import { Readable } from "node:stream";

/** A file to send: any readable stream with its type and name. */
interface DownloadFile {
  stream: Readable;
  contentType: string;
  filename: string;
}

/** A file streamed to the browser as a download; it is never cached. */
export function downloadResponse(file: DownloadFile): Response {
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
