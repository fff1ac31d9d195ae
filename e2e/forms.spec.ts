import { DEMO, NEW_PASSWORD, expect, test, uniqueEmail } from "./fixtures";

// Issue 16, pages point 1: a refused form keeps what was typed and ticked, marks the bad field
// (aria-invalid, a red border) and links its message (aria-describedby), says it once, in plain words.

/** The control's error message, followed through its aria-describedby. */
async function describedError(control: import("@playwright/test").Locator) {
  await expect(control).toHaveAttribute("aria-invalid", "true");
  const ids = (await control.getAttribute("aria-describedby"))?.split(" ") ?? [];
  const errorId = ids.find((id) => id.endsWith("-error"));
  expect(errorId).toBeTruthy();
  return control.page().locator(`[id="${errorId}"]`);
}

test("sign-up keeps the email, the password and the ticked boxes when it is refused", async ({ page }) => {
  const email = uniqueEmail("keeps");
  await page.goto("/signup");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByLabel(/Product analytics/).check();
  await page.getByRole("button", { name: "Create account" }).click();

  const terms = page.getByRole("checkbox", { name: /I accept the/ });
  await expect(await describedError(terms)).toHaveText(/You must accept the Terms of Service/);
  await expect(page.getByLabel("Email address")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toHaveValue(NEW_PASSWORD);
  await expect(page.getByLabel(/Product analytics/)).toBeChecked();
  // The invalid box is outlined in red, visibly.
  expect(await terms.evaluate((box) => getComputedStyle(box).outlineStyle)).toBe("solid");
});

test("a refusal naming a field says it once, beside nothing else", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email address").fill(DEMO.user);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("checkbox", { name: /I accept the/ }).check();
  await page.getByRole("button", { name: "Create account" }).click();
  const email = page.getByLabel("Email address");
  const message = await describedError(email);
  const text = (await message.textContent()) ?? "";
  expect(text.length).toBeGreaterThan(0);
  // Shown once (in the banner); the field's copy is for screen readers only (a 1 px box).
  const shown = await page
    .getByText(text, { exact: true })
    .evaluateAll((nodes) => nodes.filter((node) => (node as HTMLElement).offsetWidth > 1).length);
  expect(shown).toBe(1);
  await expect(email).toHaveValue(DEMO.user);
  await expect(page.getByRole("checkbox", { name: /I accept the/ })).toBeChecked();
  // A border of another colour than a valid field's marks it.
  const border = (locator: typeof email) => locator.evaluate((input) => getComputedStyle(input).borderTopColor);
  expect(await border(email)).not.toBe(await border(page.getByLabel("Password")));
});

test.describe("as an admin", () => {
  test("the new-purpose form keeps its title and description and explains a short key in plain words", async ({
    pageAs,
  }) => {
    const page = await pageAs("admin");
    await page.goto("/admin/purposes");
    const form = page.getByRole("region", { name: "New purpose" });
    await form.getByLabel("Key").fill("x");
    await form.getByLabel("Title").fill("Weekly digest");
    await form.getByLabel("What the person agrees to").fill("Send me a weekly summary by email.");
    await form.getByRole("button", { name: "Create purpose" }).click();
    const key = form.getByLabel("Key");
    await expect(await describedError(key)).toHaveText("Enter at least 2 characters.");
    await expect(form).not.toContainText(/Too small|expected string/);
    await expect(form.getByLabel("Title")).toHaveValue("Weekly digest");
    await expect(form.getByLabel("What the person agrees to")).toHaveValue("Send me a weekly summary by email.");
  });

  test("the export form keeps its choices when a background job is refused", async ({ pageAs }) => {
    const page = await pageAs("admin");
    await page.goto("/admin/exports");
    await page.getByLabel("Full event history").check();
    await page.getByLabel("Format").selectOption("json");
    await page.getByLabel("From (UTC)").fill("2026-06-10");
    await page.getByLabel("To (UTC, inclusive)").fill("2026-06-01");
    await page.getByRole("button", { name: "Run as a background job" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Please correct the marked fields.");
    await expect(await describedError(page.getByLabel("To (UTC, inclusive)"))).not.toBeEmpty();
    await expect(page.getByLabel("Format")).toHaveValue("json");
    await expect(page.getByLabel("Full event history")).toBeChecked();
    await expect(page.getByLabel("From (UTC)")).toHaveValue("2026-06-10");
    expect(page.url()).not.toContain("$ACTION");
  });
});
