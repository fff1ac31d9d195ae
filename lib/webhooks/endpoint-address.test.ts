import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { checkEndpointUrl, ForbiddenAddressError, isPublicAddress } from "./endpoint-address";
import { sendWebhook } from "./send-webhook";

describe("isPublicAddress", () => {
  it.each([
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false], // cloud metadata
    ["100.64.0.1", false], // carrier-grade NAT
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["::1", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false], // IPv4-mapped loopback
    ["93.184.215.14", true],
    ["2606:4700:4700::1111", true],
    ["::ffff:93.184.215.14", true],
    ["not-an-ip", false],
  ])("%s → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("checkEndpointUrl", () => {
  it("accepts http(s) URLs to public addresses", async () => {
    await expect(checkEndpointUrl("https://93.184.215.14/hooks", false)).resolves.toBeInstanceOf(URL);
    await expect(checkEndpointUrl("http://[2606:4700:4700::1111]:8080/x", false)).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ["ftp://93.184.215.14/", /Only http/],
    ["http://user:pass@93.184.215.14/", /no user name or password/],
    ["http://127.0.0.1:3000/hooks", /private, loopback or reserved/],
    ["http://169.254.169.254/latest/meta-data", /private, loopback or reserved/],
    ["http://[::1]/", /private, loopback or reserved/],
    ["http://[::ffff:10.0.0.1]/", /private, loopback or reserved/],
    ["http://localhost:3000/hooks", /resolves to a private, loopback or reserved address/],
  ])("refuses %s", async (url, message) => {
    await expect(checkEndpointUrl(url, false)).rejects.toMatchObject({
      code: "validation_failed",
      field: "url",
      message: expect.stringMatching(message) as unknown,
    });
  });

  it("allows private addresses when WEBHOOK_ALLOW_PRIVATE says so, but still only http(s)", async () => {
    await expect(checkEndpointUrl("http://localhost:3000/hooks", true)).resolves.toBeInstanceOf(URL);
    await expect(checkEndpointUrl("gopher://localhost/", true)).rejects.toMatchObject({ field: "url" });
  });
});

describe("sendWebhook", () => {
  it("refuses at connect time a name that resolves to a private address (DNS rebinding), and a literal one", async () => {
    let reached = 0;
    const server = createServer((_req, res) => {
      reached += 1;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const send = (host: string, allowPrivate: boolean) =>
        sendWebhook({ url: `http://${host}:${port}/`, headers: {}, body: "{}", timeoutMs: 2_000, allowPrivate });
      await expect(send("localhost", false)).rejects.toBeInstanceOf(ForbiddenAddressError);
      await expect(send("127.0.0.1", false)).rejects.toBeInstanceOf(ForbiddenAddressError);
      expect(reached).toBe(0);
      await expect(send("localhost", true)).resolves.toEqual({ status: 200 });
      expect(reached).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
