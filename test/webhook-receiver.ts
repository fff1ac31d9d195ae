// A real HTTP server that receives webhook deliveries, for the integration tests: it records
// every request and answers what the test decides.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The parsed body's `type` and `data`. */
  type: string;
  data: Record<string, unknown>;
  /** The status this receiver answered. */
  answered: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides the status of each request (default: 204). */
  answer: (request: ReceivedWebhook, index: number) => number;
  close: () => Promise<void>;
}

const flatten = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
  );

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    answer: () => 204,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      const request: ReceivedWebhook = {
        headers: flatten(req.headers),
        body,
        type: parsed.type,
        data: parsed.data,
        answered: 0,
      };
      request.answered = receiver.answer(request, receiver.received.length);
      receiver.received.push(request);
      res.writeHead(request.answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
