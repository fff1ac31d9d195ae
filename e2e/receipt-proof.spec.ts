import { expect, test } from "./fixtures";

// The README's walk-through: a person downloads a receipt from their history and verifies it on
// /verify with the keys the portal publishes; its decision is in the witnessed log.
test("a person's downloaded receipt is proven on /verify once the log has witnessed it", async ({
  newSignedInPerson,
}) => {
  const { page } = await newSignedInPerson("receipt-proof", ["analytics"]);
  await page.goto("/me/history");
  // The first decision's receipt (the page also links to /verify).
  const link = page.locator('a[href^="/me/receipts/"]').first();
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/me\/receipts\//);
  // The sequencer integrates within a second and the local witness cosigns: wait for the proof.
  let body = "";
  await expect
    .poll(
      async () => {
        const response = await page.request.get(href!);
        body = await response.text();
        return (JSON.parse(body) as { proof: unknown }).proof !== null;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  const download = page.waitForEvent("download");
  await link.click();
  expect((await download).suggestedFilename()).toMatch(/^consent-receipt-.*\.json$/);

  await page.goto("/verify");
  await page.getByLabel("Receipt file").setInputFiles({
    name: "consent-receipt.json",
    mimeType: "application/json",
    buffer: Buffer.from(body),
  });
  await expect(page.getByRole("status")).toHaveText("This receipt is proven: every check passed.");
  await expect(page.getByTestId("check-witnesses")).toHaveAttribute("data-ok", "true");
  await expect(page.getByTestId("check-inclusion")).toHaveAttribute("data-ok", "true");
});
