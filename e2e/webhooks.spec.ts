// An admin registers a webhook endpoint on the admin page; a person's sign-up reaches it as
// signed Standard Webhooks deliveries, which the receiver verifies with the secret the page
// showed once; the delivery log shows them, replays one, and the secret rotates with an overlap.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { expect, expectNoSeriousA11yViolations, test } from "./fixtures";

test.describe.configure({ mode: "default" });

interface Received {
  body: string;
  headers: Record<string, string>;
}

const flatten = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value ?? "")]));

test("an admin registers a webhook; deliveries arrive signed, are logged, replayed, and the secret rotates", async ({
  pageAs,
  newPerson,
}) => {
  // The receiving system: a real HTTP server on this machine (the stack allows private addresses).
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: flatten(req.headers) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/consent-hooks`;

  try {
    // Admins only: compliance staff are turned away.
    const compliance = await pageAs("compliance");
    await compliance.goto("/admin/webhooks");
    await expect(compliance.getByRole("heading", { name: "Not allowed" })).toBeVisible();

    const admin = await pageAs("admin");
    await admin.goto("/admin");
    await admin.getByRole("navigation", { name: "Admin console" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(admin.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();

    // Not http(s): refused beside the field.
    await admin.getByLabel("Endpoint URL").fill("ftp://mail-tool.example/hooks");
    await admin.getByLabel(/consent\.granted/).check();
    await admin.getByRole("button", { name: "Register endpoint" }).click();
    await expect(admin.getByText("enter an http:// or https:// URL").first()).toBeVisible();

    await admin.getByLabel("Endpoint URL").fill(url);
    await admin.getByLabel("Description (optional)").fill("e2e mail tool");
    await admin.getByLabel(/consent\.withdrawn/).check();
    await admin.getByRole("button", { name: "Register endpoint" }).click();
    const secretBox = admin.getByTestId("webhook-secret");
    await expect(secretBox).toHaveText(/^whsec_[A-Za-z0-9+/]+=*$/);
    const secret = (await secretBox.textContent())!;
    const row = admin.getByTestId("webhook-endpoint").filter({ hasText: url });
    await expect(row).toContainText("consent.granted, consent.withdrawn");
    await expect(row).toContainText("Enabled");
    await expectNoSeriousA11yViolations(admin);

    // A person signs up: the portal's worker delivers consent.granted, signed with that secret.
    await newPerson("webhook-e2e", ["Product analytics"]);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const payloads = received.map((request) => new Webhook(secret).verify(request.body, request.headers)) as Array<{
      type: string;
      data: { purpose: string; method: string };
    }>;
    expect(payloads.map((payload) => [payload.type, payload.data.purpose]).sort()).toEqual([
      ["consent.granted", "analytics"],
      ["consent.granted", "terms"],
    ]);

    // The delivery log on the endpoint's page; replaying sends the same message again.
    await row.getByRole("link", { name: url }).click();
    await expect(admin.getByRole("heading", { name: url })).toBeVisible();
    const deliveries = admin.getByTestId("webhook-delivery");
    await expect(deliveries).toHaveCount(2);
    await expect(deliveries.first()).toContainText("Delivered");
    await expect(deliveries.first()).toContainText("204");
    const firstId = received[0]!.headers["webhook-id"];
    await deliveries
      .filter({ hasText: firstId! })
      .getByRole("button", { name: /Replay/ })
      .click();
    await expect(admin.getByText("Queued again.")).toBeVisible();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(3);
    expect(received[2]!.headers["webhook-id"]).toBe(firstId);
    await admin.reload();
    await expect(deliveries).toHaveCount(3);
    await expect(deliveries.first()).toContainText("(replay)");
    await expectNoSeriousA11yViolations(admin);

    // Rotation: a new secret, and until the overlap ends both sign.
    await admin.getByRole("button", { name: "Rotate secret" }).click();
    const newSecret = admin.getByTestId("webhook-secret");
    await expect(newSecret).toHaveText(/^whsec_/);
    expect(await newSecret.textContent()).not.toBe(secret);
    await admin.reload();
    await expect(admin.getByText(/The previous secret also signs until/)).toBeVisible();

    // Disabling is one click, and the page says so.
    await admin.getByRole("button", { name: "Disable endpoint" }).click();
    await expect(admin.getByTestId("disabled-reason")).toHaveText(/^Disabled by .+\.$/);
    await admin.getByRole("button", { name: "Enable endpoint" }).click();
    await expect(admin.getByRole("heading", { name: "Enabled", level: 2 })).toBeVisible();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
