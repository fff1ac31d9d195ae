import { expect, test as setup } from "@playwright/test";
import { DEMO, signIn, storageStateFor } from "./fixtures";

// Signs each demo role in once; specs reuse the saved session with `test.use({ storageState })`.
for (const [role, email] of Object.entries(DEMO)) {
  setup(`sign in as the demo ${role}`, async ({ page }) => {
    await signIn(page, email);
    await expect(page.getByTestId("viewer-role")).toHaveText(role);
    await page.context().storageState({ path: storageStateFor(role as keyof typeof DEMO) });
  });
}
