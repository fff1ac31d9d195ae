// What lands in the ledger as a decision's network origin (ADR 027): the socket's address, unless
// the request came through a trusted proxy (the e2e stack trusts 127.0.0.2 only; playwright.config.ts).
import { request as httpRequest, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, signUpAndSignIn, test } from "./fixtures";
import { E2E_PORT } from "./stack";

const FORGED = "198.51.100.77";
const CLIENT_SEEN_BY_PROXY = "203.0.113.9";

/**
 * A reverse proxy as a load balancer would be: it connects from 127.0.0.2 (a trusted proxy) and
 * appends the address it saw its client at to X-Forwarded-For (here a fixed public one).
 */
async function startTrustedProxy(): Promise<{ server: Server; port: number }> {
  const server = createServer((incoming, outgoing) => {
    const forwarded = [incoming.headers["x-forwarded-for"], CLIENT_SEEN_BY_PROXY].filter(Boolean).join(", ");
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: E2E_PORT,
        localAddress: "127.0.0.2",
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, "x-forwarded-for": forwarded },
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

interface MyData {
  history: Array<{ action: string; purpose: string | null; ipTruncated: string | null }>;
}

test("a forged X-Forwarded-For is not evidence; a trusted proxy's is", async ({ page }) => {
  // Every request of this person's browser claims to come from FORGED.
  await page.setExtraHTTPHeaders({ "x-forwarded-for": FORGED });
  await signUpAndSignIn(page, { label: "evidence" });

  // Straight to the portal: the browser's socket (127.0.0.1) is recorded, not the header.
  const direct = (await (await page.request.get("/me/data/download")).json()) as MyData;
  expect(direct.history.map((event) => [event.purpose, event.ipTruncated])).toEqual([["terms", "127.0.0.0"]]);

  // Through the trusted proxy: the right-most address it forwarded, not the forged one left of it.
  const proxy = await startTrustedProxy();
  try {
    await page.goto(`http://localhost:${proxy.port}/me/consents`);
    const row = page.getByTestId("purpose-analytics");
    await row.getByRole("button", { name: /Give consent/ }).click();
    await expect(row).toContainText("Given");
  } finally {
    proxy.server.closeAllConnections();
    await new Promise((resolve) => proxy.server.close(resolve));
  }
  const mine = (await (await page.request.get("/me/data/download")).json()) as MyData;
  const granted = mine.history.find((event) => event.purpose === "analytics");
  expect(granted).toMatchObject({ action: "granted", ipTruncated: "203.0.113.0" });
  expect(JSON.stringify(mine.history)).not.toContain("198.51.100");
});
