import type { Page } from "@playwright/test";
import { buildReceiptProofFixture, type ReceiptProofFixture } from "../test/receipt-proof-fixture";
import { expect, expectNoSeriousA11yViolations, test } from "./fixtures";

async function trustFixtureKeys(page: Page, fixture: ReceiptProofFixture) {
  await page.getByLabel("Log key").fill(fixture.logKey);
  await page.getByLabel("Witness keys").fill(fixture.witnessKeys.join("\n"));
  await page.getByLabel("Witnesses that must have confirmed it").fill("2");
  await page.getByLabel("The portal's receipt signing keys (JWKS)").fill(JSON.stringify(fixture.jwks));
}

test("a receipt dropped on /verify passes every check; a tampered one fails where it was changed", async ({ page }) => {
  const fixture = await buildReceiptProofFixture();
  await page.goto("/verify");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Verify a consent receipt");
  await trustFixtureKeys(page, fixture);

  // Dropped on the drop zone, as a person drags it from their downloads.
  const dataTransfer = await page.evaluateHandle((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], "consent-receipt.json", { type: "application/json" }));
    return transfer;
  }, JSON.stringify(fixture.file));
  await page.getByTestId("receipt-drop-zone").dispatchEvent("drop", { dataTransfer });
  await expect(page.getByRole("main").getByRole("status")).toHaveText("This receipt is proven: every check passed.");
  const checks = page.getByRole("list", { name: "Checks" }).getByRole("listitem");
  await expect(checks).toHaveCount(8);
  for (const item of await checks.all()) await expect(item).toContainText("✔");
  await expect(page.getByTestId("check-witnesses")).toContainText(
    "Cosigned by 2 of the 2 witnesses you trust (needed: 2)",
  );
  await expectNoSeriousA11yViolations(page);

  // The same receipt with its decision changed from "granted" to "withdrawn".
  const tampered = structuredClone(fixture.file);
  (tampered.receipt.iso27560 as { event: { type: string } }).event.type = "withdrawn";
  await page.getByLabel("Receipt file").setInputFiles({
    name: "tampered.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(tampered)),
  });
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "This receipt is NOT proven: see the checks marked ✖ below.",
  );
  await expect(page.getByTestId("check-signed-content")).toHaveAttribute("data-ok", "false");
  await expect(page.getByTestId("check-signed-content")).toContainText(
    'The receipt\'s "iso27560" differs from what the portal signed.',
  );
  await expect(page.getByTestId("check-log-entry")).toContainText("differ in: decision (granted or withdrawn)");
  await expect(page.getByTestId("check-inclusion")).toHaveAttribute("data-ok", "true");
});
