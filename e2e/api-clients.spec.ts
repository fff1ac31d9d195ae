import { expect, expectNoSeriousA11yViolations, requestApiToken, test } from "./fixtures";

// An admin registers an API client on its page; the system it stands for gets an Auth0 token with
// the secret shown once and reads consent through /api/v1; once revoked, the same token is refused.
test("an admin registers an API client, which then calls the API until it is revoked", async ({ pageAs }) => {
  const admin = await pageAs("admin");
  await admin.goto("/admin/api-clients");
  await expect(admin.getByRole("heading", { name: "API clients", level: 1 })).toBeVisible();
  const name = `Mail tool ${Date.now().toString(36)}`;

  // Nothing chosen: the form says which field and why.
  await admin.getByLabel("Name").fill(name);
  await admin.getByRole("button", { name: "Register client" }).click();
  await expect(admin.getByText("choose at least one scope")).toBeVisible();

  await admin.getByRole("checkbox", { name: "consent:read" }).check();
  await admin.getByRole("button", { name: "Register client" }).click();
  const status = admin.getByRole("status").filter({ hasText: "Registered" });
  await expect(status).toContainText("it will not be shown again");
  const clientId = (await admin.getByTestId("new-client-id").textContent())!.trim();
  const clientSecret = (await admin.getByTestId("new-client-secret").textContent())!.trim();
  expect(clientSecret.length).toBeGreaterThan(40);
  const row = admin.getByTestId("api-client-row").filter({ hasText: name });
  await expect(row).toContainText("consent:read");
  await expectNoSeriousA11yViolations(admin);

  const tokenResponse = await requestApiToken(clientId, clientSecret);
  expect(tokenResponse.status).toBe(200);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const purposes = await admin.request.get("/api/v1/purposes", { headers: { authorization: `Bearer ${token}` } });
  expect(purposes.status()).toBe(200);
  expect(((await purposes.json()) as { purposes: Array<{ key: string }> }).purposes.map((p) => p.key)).toContain(
    "marketing-email",
  );
  // A read client cannot write.
  const write = await admin.request.post("/api/v1/decisions", {
    headers: { authorization: `Bearer ${token}` },
    data: { person: { subjectId: "00000000-0000-4000-8000-000000000000" }, decisions: [] },
  });
  expect(write.status()).toBe(403);
  expect(write.headers()["content-type"]).toBe("application/problem+json");

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(row).toContainText("revoked");
  const refused = await admin.request.get("/api/v1/purposes", { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);

  // The reference the page links to renders the document.
  await admin.goto("/api/docs");
  await expect(admin.getByRole("heading", { name: "Consent Portal API", level: 1 })).toBeVisible();
  await expect(admin.locator("#problem-insufficient_scope")).toContainText("403");
});
