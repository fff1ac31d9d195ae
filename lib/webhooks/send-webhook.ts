import "server-only";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { assertDeliverableHost, guardedLookup } from "./endpoint-address";

export interface WebhookResponse {
  status: number;
}

const USER_AGENT = "ConsentPortal-Webhooks/1";
/** How much of an answer we read before dropping the connection: the body is never used. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one signed delivery with node:http(s) rather than fetch: its `lookup` hook checks the
 * address actually connected to (SSRF, DNS rebinding). Redirects are not followed (a 3xx is a
 * failure), and the whole exchange is bounded by `timeoutMs`.
 */
export async function sendWebhook(input: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}): Promise<WebhookResponse> {
  const url = new URL(input.url);
  assertDeliverableHost(url, input.allowPrivate);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<WebhookResponse>((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: {
          ...input.headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(input.body).toString(),
          "user-agent": USER_AGENT,
        },
        lookup: guardedLookup(input.allowPrivate),
        timeout: input.timeoutMs,
      },
      (res) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        res.on("close", () => resolve({ status: res.statusCode ?? 0 }));
        res.on("error", () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    const deadline = setTimeout(
      () => req.destroy(new Error(`no answer within ${input.timeoutMs} ms`)),
      input.timeoutMs,
    );
    req.on("close", () => clearTimeout(deadline));
    req.on("timeout", () => req.destroy(new Error(`no answer within ${input.timeoutMs} ms`)));
    req.on("error", reject);
    req.end(input.body);
  });
}
