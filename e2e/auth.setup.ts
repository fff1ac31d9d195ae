import { DEMO, expect, signIn, storageStateFor, test as setup, type DemoRole } from "./fixtures";

// Signs each demo role in once; specs reuse the saved session with `test.use({ storageState })`.
for (const [role, email] of Object.entries(DEMO)) {
  setup(`sign in as the demo ${role}`, async ({ page }) => {
    await signIn(page, email);
    await expect(page.getByTestId("viewer-role")).toHaveText(role);
    await page.context().storageState({ path: storageStateFor(role as DemoRole) });
  });
}
