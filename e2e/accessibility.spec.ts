import { expect, signUpAndSignIn, test } from "./fixtures";

// Issue 16, pages point 9: what axe does not check.

test("403 and 404 pages have their own titles and a way home", async ({ pageAs, page }) => {
  await page.goto("/no-such-page");
  await expect(page).toHaveTitle("Page not found | Consent Portal");
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page).toHaveURL(/\/$/);

  const user = await pageAs("user");
  await user.goto("/compliance");
  await expect(user.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(user).toHaveTitle("Not allowed | Consent Portal");
  await expect(user.getByRole("link", { name: "Go to the home page" })).toBeVisible();
});

test("the navigation marks the current page, in the main and the compliance menus", async ({ pageAs }) => {
  const staff = await pageAs("compliance");
  await staff.goto("/compliance/access-log");
  const main = staff.getByRole("navigation", { name: "Main" });
  await expect(main.getByRole("link", { name: "Compliance" })).toHaveAttribute("aria-current", "page");
  await expect(main.getByRole("link", { name: "My consents" })).not.toHaveAttribute("aria-current", /.*/);
  const workspace = staff.getByRole("navigation", { name: "Compliance workspace" });
  await expect(workspace.getByRole("link", { name: "Access log" })).toHaveAttribute("aria-current", "page");
  await expect(workspace.getByRole("link", { name: "Search" })).not.toHaveAttribute("aria-current", /.*/);
});

test("a person's history has headed decisions with receipt links of their own, and My consents links to deleting the account", async ({
  page,
}) => {
  await signUpAndSignIn(page, { label: "a11y", optional: ["Product analytics"] });
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My consents" }),
  ).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: "Delete my account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Delete my account" })).toBeVisible();

  await page.goto("/me/history");
  await expect(page.getByRole("heading", { level: 2, name: /You gave consent to “Product analytics”/ })).toBeVisible();
  const names = await page
    .getByRole("link", { name: /Download receipt/ })
    .evaluateAll((links) => links.map((link) => link.textContent));
  expect(names.length).toBeGreaterThan(1);
  expect(new Set(names).size).toBe(names.length);
});
