import type { Page } from "@playwright/test";
import { DEMO, auth0, expect, expectNoSeriousA11yViolations, storageStateFor, test, uniqueEmail } from "./fixtures";

/** Searches by exact email on /compliance and opens the person's audit trail. */
async function openSubject(page: Page, email: string): Promise<string> {
  await page.goto("/compliance");
  await page.getByLabel("Email (exact)").fill(email.toUpperCase());
  await page.getByRole("button", { name: "Search" }).click();
  const result = page.getByTestId("subject-result");
  await expect(result).toHaveCount(1);
  await result.getByRole("link", { name: email }).click();
  await expect(page.getByRole("heading", { level: 1, name: email })).toBeVisible();
  return (await page.getByTestId("subject-id").textContent())!.trim();
}

test.describe("as compliance staff", () => {
  test.use({ storageState: storageStateFor("compliance") });

  test("search finds a person by exact email in any case, with their current consent", async ({ page, newPerson }) => {
    const email = await newPerson("found", ["Product analytics"]);
    await page.goto("/compliance");
    await expect(page.getByRole("heading", { name: "Compliance search" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel("Email (exact)").fill(email.toUpperCase());
    await page.getByRole("button", { name: "Search" }).click();
    const result = page.getByTestId("subject-result");
    await expect(result).toHaveCount(1);
    await expect(result).toContainText(email);
    await expect(result.getByRole("row", { name: /Product analytics/ })).toContainText("Given");
    await expect(result.getByRole("row", { name: /Marketing emails/ })).toHaveCount(0);
    await expectNoSeriousA11yViolations(page);
  });

  test("filters by purpose and state, and explains bad input beside the field", async ({ page, newPerson }) => {
    const email = await newPerson("filtered", ["Product research"]);
    await page.goto("/compliance");
    await page.getByLabel("Purpose").selectOption("product-research");
    await page.getByLabel("State").selectOption("granted");
    await page.getByRole("button", { name: "Search" }).click();
    // Newest decision first: the person who just signed up is on the first page.
    await expect(page.getByTestId("state-result").filter({ hasText: email })).toHaveCount(1);
    await expect(page.getByTestId("state-result").first()).toContainText("Product research");

    await page.goto("/compliance?subjectId=not-a-uuid");
    await expect(page.locator("#subjectId-error")).toHaveText(/UUID/);
    await expect(page.getByLabel("Subject id")).toHaveAttribute("aria-invalid", "true");
    await expectNoSeriousA11yViolations(page);
  });

  test("a person known to Auth0 but not the ledger is found with their legacy consent", async ({ page }) => {
    const email = uniqueEmail("legacy");
    await auth0.createUser(email, {
      userMetadata: { consent: { given: true, date: "01/23/2018", text_details: "some-url" } },
    });
    await page.goto("/compliance");
    await page.getByLabel("Email (exact)").fill(email);
    await page.getByRole("button", { name: "Search" }).click();
    const card = page.getByTestId("auth0-only-result");
    await expect(card).toContainText("Known to Auth0 but not to the ledger");
    await expect(card.getByTestId("legacy-consent")).toContainText('"date": "01/23/2018"');
    await expect(page.getByTestId("subject-result")).toHaveCount(0);
    await expectNoSeriousA11yViolations(page);
  });

  test("the subject page shows state, full history, a verified chain and Auth0 side by side; recording is read-only", async ({
    page,
    newPerson,
  }) => {
    // The last decision is made after sign-in, so its sync to Auth0 cannot race the sign-in itself.
    // Product research, not marketing emails: an email purpose waits for the address (ADR 040, its own spec).
    const email = await newPerson("audited", ["Product research"], { thenGive: "analytics" });
    await openSubject(page, email);
    await expect(page.getByTestId("chain-badge")).toHaveText(/Chain verified \(3 events\)/);
    await expect(page.getByTestId("state-product-research")).toContainText("Given");
    await expect(page.getByTestId("state-analytics")).toContainText("Given");
    await expect(page.getByTestId("state-marketing-email")).toContainText("Not given");
    const events = page.getByTestId("audit-event");
    await expect(events).toHaveCount(3);
    await expect(events.last()).toContainText("in the portal (portal)");
    await expect(events.first()).toContainText("at sign-up (signup)");
    await expect(events.first()).toContainText("Privacy Policy version 1");
    await expect(events.first()).toContainText("the person");
    // The outbox delivers the projection to Auth0 shortly after sign-up.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("metadata-summary")).toHaveText("Auth0 matches the ledger.", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId("metadata-purposes.product-research")).toContainText("Same");
    // Compliance staff see a note, not a disabled form they cannot use.
    await expect(page.getByText(/Recording a decision on someone's behalf is for admins/)).toBeVisible();
    await expect(page.getByLabel("Reason and reference (required)")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Record decision" })).toHaveCount(0);
    // Event titles are headings, and each receipt link has its own name.
    await expect(page.getByRole("heading", { level: 3, name: /^#1 Consent given/ })).toBeVisible();
    const receiptNames = await page
      .getByRole("link", { name: /Download receipt/ })
      .evaluateAll((links) => links.map((link) => link.textContent));
    expect(new Set(receiptNames).size).toBe(receiptNames.length);
    await expectNoSeriousA11yViolations(page);

    const download = page.waitForEvent("download");
    await events
      .first()
      .getByRole("link", { name: /Download receipt/ })
      .click();
    const file = JSON.parse(Buffer.concat(await (await (await download).createReadStream()).toArray()).toString()) as {
      jws: string;
      receipt: Record<string, unknown>;
    };
    expect(file.jws.split(".")).toHaveLength(3);
  });

  test("the integrity page verifies the whole ledger with a progress bar and shows the result", async ({ page }) => {
    await page.goto("/compliance/integrity");
    await expect(page.getByRole("heading", { name: "Ledger integrity" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("button", { name: "Verify the whole ledger now" }).click();
    const progress = page.getByTestId("verification-progress");
    await expect(progress.getByRole("progressbar")).toHaveAttribute("value", "100", { timeout: 20_000 });
    await expect(progress.getByTestId("verification-outcome")).toHaveText("Every chain verifies.");
    await expect(page.getByTestId("last-verification")).toContainText("Every chain verifies.");
    await expect(page.getByTestId("last-verification")).toContainText(/Verified at\s*\d{4}-\d{2}-\d{2}/);
    await expectNoSeriousA11yViolations(page);
  });

  test("the access log shows who looked at whom, filterable, including this very reading", async ({
    page,
    newPerson,
  }) => {
    const email = await newPerson("watched");
    const subjectId = await openSubject(page, email);
    await page.goto("/compliance/access-log");
    await expect(page.getByRole("heading", { name: "Access log" })).toBeVisible();
    await page.getByLabel("About whom (subject id)").fill(subjectId);
    await page.getByRole("button", { name: "Filter" }).click();
    const actions = page.getByTestId("access-action");
    await expect(actions).toContainText(["Viewed a subject", "Searched"]);
    await expect(page.getByTestId("access-entry").first()).toContainText("(compliance)");

    await page.getByLabel("What").selectOption("access_log.view");
    await page.getByRole("button", { name: "Filter" }).click();
    // The reading that produced this page is already on it.
    await expect(actions.first()).toHaveText("Read the access log");

    // Staff are named by email (the staff directory), and the log filters by it.
    await page.getByLabel("What").selectOption("");
    await page.getByLabel("Who (staff email or Auth0 user id)").fill(DEMO.compliance.toUpperCase());
    await page.getByRole("button", { name: "Filter" }).click();
    const entries = page.getByTestId("access-entry");
    await expect(entries.first()).toContainText(`${DEMO.compliance} (auth0|`);
    const shown = await entries.count();
    expect(shown).toBeGreaterThan(1);
    await expect(entries.filter({ hasText: `${DEMO.compliance} (auth0|` })).toHaveCount(shown);
    await page.getByLabel("Who (staff email or Auth0 user id)").fill("nobody-on-staff@example.com");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page.getByText("No entries match.")).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });
});

test("admins record a decision received on paper, with a mandatory reason, as method staff", async ({
  newPerson,
  pageAs,
}) => {
  const email = await newPerson("paper");
  const page = await pageAs("admin");
  await openSubject(page, email);
  const form = page.getByRole("region", { name: "Record a decision received outside the portal" });
  await form.getByLabel("Purpose", { exact: true }).selectOption("marketing-email");
  await form.getByLabel("Decision").selectOption("grant");
  await form.getByLabel("Received").selectOption("paper");
  await form.getByLabel("Reason and reference (required)").fill("short");
  await form.getByRole("button", { name: "Record decision" }).click();
  await expect(page.locator("#reason-error")).toHaveText(/at least 10 characters/);
  await expect(form.getByLabel("Reason and reference (required)")).toHaveAttribute("aria-invalid", "true");
  // A refused submission keeps what was chosen and typed.
  await expect(form.getByLabel("Purpose", { exact: true })).toHaveValue("marketing-email");
  await expect(form.getByLabel("Reason and reference (required)")).toHaveValue("short");

  await form.getByLabel("Reason and reference (required)").fill("Signed paper form, ref. PF-2026-117");
  await form.getByRole("button", { name: "Record decision" }).click();
  await expect(form.getByRole("status")).toHaveText(/Recorded: consent to “Marketing emails” given \(on paper\)/);
  const latest = page.getByTestId("audit-event").last();
  await expect(latest).toContainText("#2 Consent given — Marketing emails");
  await expect(latest).toContainText("recorded by staff (staff)");
  // The admin who recorded it, by email from the staff directory (the event keeps only their id).
  await expect(latest).toContainText(`staff ${DEMO.admin} (auth0|`);
  await expect(latest).toContainText("reason: Received on paper: Signed paper form, ref. PF-2026-117");
  await expect(page.getByTestId("chain-badge")).toHaveText(/Chain verified \(2 events\)/);
  await expect(page.getByTestId("state-marketing-email")).toContainText("Given");
  await expectNoSeriousA11yViolations(page);
  await page.context().close();
});

test("people without a staff role cannot open the compliance workspace", async ({ pageAs }) => {
  const page = await pageAs("user");
  for (const path of ["/compliance", "/compliance/integrity", "/compliance/access-log", "/compliance/api-tokens"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
  const status = await page.request.get("/compliance/integrity/status");
  expect(status.status()).toBe(403);
  await page.context().close();
});
