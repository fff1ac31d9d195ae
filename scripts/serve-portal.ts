// The portal's HTTP server, which `npm start` and `npm run dev` run: Next.js (its custom-server
// API) behind a Node HTTP server of ours that passes each request's TCP peer address on in a
// header it overwrites, the one fact Next.js does not hand to route handlers and server actions
// (ADR 027). Run it with plain tsx (no react-server condition), after `next build` unless --dev.
//   --dev              development mode (hot reload)
//   --port N           default 3000
//   --hostname NAME    default localhost
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import next from "next";
import { markSocketPeerServer, stampSocketPeer } from "../lib/http/socket-peer.js";
import { unusableAddress } from "../lib/http/unusable-address.js";

const { values: options } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    port: { type: "string", default: "3000" },
    hostname: { type: "string", default: "localhost" },
  },
});
const port = Number(options.port);
const app = next({ dev: options.dev, dir: process.cwd(), hostname: options.hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
markSocketPeerServer();

const server = createServer((request, response) => {
  const unusable = unusableAddress(request.url ?? "/");
  if (unusable) {
    response.writeHead(400, {
      "content-type": "application/problem+json",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
    });
    response.end(JSON.stringify({ title: "Bad request", status: 400, detail: unusable }));
    return;
  }
  stampSocketPeer(request);
  handle(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
    response.end("Internal Server Error");
  });
});

async function stop() {
  await new Promise((resolve) => server.close(resolve));
  await app.close();
  process.exit(0);
}
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());

server.listen(port, options.hostname, () => {
  console.log(`Next.js ${options.dev ? "(development) " : ""}serving on http://${options.hostname}:${port}`);
});
