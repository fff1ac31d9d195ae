import { auth0, expect, expectNoSeriousA11yViolations, storageStateFor, test, uniqueEmail } from "./fixtures";

// The seed's curl examples, pointed at the portal: https://<portal>/api/mgmt/v2/… instead of
// https://<tenant>/api/v2/…, with a staff session or a staff API token instead of Auth0's token.

const ERROR_SHAPE = {
  statusCode: expect.any(Number) as unknown,
  error: expect.any(String) as unknown,
  message: expect.any(String) as unknown,
  errorCode: expect.any(String) as unknown,
};

test.describe("with a compliance session", () => {
  test.use({ storageState: storageStateFor("compliance") });

  test("the seed's users-by-email and users/{id} examples answer in Auth0's shapes", async ({ request }) => {
    const email = uniqueEmail("curl");
    const legacy = { consent: { given: true, date: "01/23/2018", text_details: "some-url" } };
    const userId = await auth0.createUser(email, { userMetadata: legacy });

    const byEmail = await request.get(
      `/api/mgmt/v2/users-by-email?email=${encodeURIComponent(email)}&fields=user_metadata`,
    );
    expect(byEmail.status()).toBe(200);
    expect(await byEmail.json()).toEqual([{ user_metadata: legacy }]);

    const byId = await request.get(`/api/mgmt/v2/users/${encodeURIComponent(userId)}?fields=user_metadata`);
    expect(await byId.json()).toEqual({ user_metadata: legacy });

    const search = await request.get(
      `/api/mgmt/v2/users?q=${encodeURIComponent(`email:"${email}"`)}&search_engine=v3&fields=user_id`,
    );
    expect(await search.json()).toEqual([{ user_id: userId }]);
  });

  test("compliance may read but not write: 403 in Auth0's error shape, and nothing changes", async ({ request }) => {
    const email = uniqueEmail("readonly");
    const userId = await auth0.createUser(email, { userMetadata: { hobby: "surfing" } });
    const patch = await request.patch(`/api/mgmt/v2/users/${encodeURIComponent(userId)}`, {
      data: { app_metadata: { deleted: true } },
    });
    expect(patch.status()).toBe(403);
    expect(await patch.json()).toMatchObject({ ...ERROR_SHAPE, statusCode: 403, errorCode: "insufficient_scope" });
    const remove = await request.delete(`/api/mgmt/v2/users/${encodeURIComponent(userId)}`);
    expect(remove.status()).toBe(403);
    expect(await auth0.user(userId)).not.toHaveProperty("app_metadata");
  });

  test("only the allow-list passes, and bad input gets a 400 naming the field", async ({ request }) => {
    const unknown = await request.get("/api/mgmt/v2/clients");
    expect(unknown.status()).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toContain("Allowed: GET users/{id}");
    const invalid = await request.get("/api/mgmt/v2/users-by-email?email=nope&color=blue");
    expect(invalid.status()).toBe(400);
    expect(await invalid.json()).toMatchObject({
      statusCode: 400,
      errorCode: "invalid_query_string",
      issues: [
        { field: "email", reason: "Expected an email address" },
        { field: "color", reason: "Not a parameter of this endpoint" },
      ],
    });
  });
});

test("without a staff credential the proxy answers 401, and Auth0's own token is not one", async ({
  browser,
  pageAs,
}) => {
  const anonymous = await browser.newContext();
  const response = await anonymous.request.get("/api/mgmt/v2/users-by-email?email=a%40example.com");
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ ...ERROR_SHAPE, statusCode: 401 });
  const mgmtToken = await auth0.token();
  const withAuth0Token = await anonymous.request.get("/api/mgmt/v2/users-by-email?email=a%40example.com", {
    headers: { authorization: `Bearer ${mgmtToken}` },
  });
  expect(withAuth0Token.status()).toBe(401);
  await anonymous.close();

  // A bad bearer is refused even when a staff session cookie rides along: the header decides.
  const staff = await pageAs("admin");
  const mixed = await staff.request.get("/api/mgmt/v2/users-by-email?email=a%40example.com", {
    headers: { authorization: "Bearer cpst_not-a-real-token" },
  });
  expect(mixed.status()).toBe(401);
  const plainUser = await pageAs("user");
  expect((await plainUser.request.get("/api/mgmt/v2/users-by-email?email=a%40example.com")).status()).toBe(403);
  await staff.context().close();
  await plainUser.context().close();
});

test("an admin's staff API token runs the seed's consent PATCH; the ledger records it with method api", async ({
  newPerson,
  staffApi,
}) => {
  const { page: admin, api } = await staffApi("admin", { label: "e2e consent script", write: true });
  await expectNoSeriousA11yViolations(admin);
  await expect(admin.getByTestId("token-row").first()).toContainText("e2e consent script");

  const email = await newPerson("patched");
  const userId = await auth0.userIdOf(email);
  const response = await api.patch(`/api/mgmt/v2/users/${encodeURIComponent(userId)}`, {
    data: { user_metadata: { consent: { purposes: { analytics: true } } } },
  });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { user_metadata: { consent: { purposes: Record<string, boolean> } } };
  expect(body.user_metadata.consent.purposes).toMatchObject({ terms: true, analytics: true });

  // The seed's "flag the profile" example passes through untouched.
  const flag = await api.patch(`/api/mgmt/v2/users/${encodeURIComponent(userId)}`, {
    data: { app_metadata: { note: "checked" } },
  });
  expect(flag.status()).toBe(200);
  expect(((await auth0.user(userId)) as { app_metadata?: unknown }).app_metadata).toEqual({ note: "checked" });

  // Removing the consent object is refused: withdrawal is a decision the ledger records.
  const removal = await api.patch(`/api/mgmt/v2/users/${encodeURIComponent(userId)}`, { data: { user_metadata: {} } });
  expect(removal.status()).toBe(409);
  expect(await removal.json()).toMatchObject({ errorCode: "consent_managed_by_ledger" });
  await api.dispose();

  await admin.goto("/compliance");
  await admin.getByLabel("Email (exact)").fill(email);
  await admin.getByRole("button", { name: "Search" }).click();
  await admin.getByTestId("subject-result").getByRole("link", { name: email }).click();
  const latest = admin.getByTestId("audit-event").last();
  await expect(latest).toContainText("Consent given — Product analytics");
  await expect(latest).toContainText("through the API (api)");
  await expect(latest).toContainText("staff API token");

  // This person's entries: other tests' proxy writes may land in the log at the same moment.
  await admin.goto("/compliance/access-log?action=mgmt.write");
  const entries = admin.getByTestId("access-entry").filter({ hasText: userId });
  await expect(entries.first()).toContainText("(admin)");
  await admin.context().close();
});

test("a compliance token reads but cannot write, and a revoked token stops at once", async ({ staffApi }) => {
  const { page: staff, api } = await staffApi("compliance", { label: "read-only report", write: false });
  const email = uniqueEmail("tokenread");
  const userId = await auth0.createUser(email, { userMetadata: { hobby: "surfing" } });
  expect((await api.get(`/api/mgmt/v2/users/${encodeURIComponent(userId)}?fields=user_metadata`)).status()).toBe(200);
  expect((await api.delete(`/api/mgmt/v2/users/${encodeURIComponent(userId)}`)).status()).toBe(403);

  await staff.goto("/compliance/api-tokens");
  await staff
    .getByTestId("token-row")
    .filter({ hasText: "read-only report" })
    .getByRole("button", { name: /Revoke/ })
    .click();
  await expect(staff.getByTestId("token-row").filter({ hasText: "read-only report" })).toContainText("revoked");
  expect((await api.get(`/api/mgmt/v2/users/${encodeURIComponent(userId)}`)).status()).toBe(401);
  await api.dispose();
  await staff.context().close();
});

test("an Auth0 outage returns the proxy's fixed error body, never Auth0's", async ({ pageAs }) => {
  const admin = await pageAs("admin");
  // Only the jobs endpoints fail, so the rest of the suite (running alongside) is unaffected.
  await auth0.setFaults({ errorRate: 1, errorStatus: 500, paths: ["/api/v2/jobs/"] });
  try {
    const response = await admin.request.get("/api/mgmt/v2/jobs/job_0123456789abcdef");
    expect(response.status()).toBe(502);
    expect(await response.json()).toEqual({
      statusCode: 502,
      error: "Bad Gateway",
      message: "Auth0 could not complete the request. Try again later.",
      errorCode: "upstream_unavailable",
    });
  } finally {
    await auth0.setFaults({});
  }
  await admin.context().close();
});
