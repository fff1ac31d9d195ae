// An admin uploads an Auth0 users export on the legacy import page: the report counts what was
// imported and lists each rejected line with its reason; uploading the same file again records
// nothing twice (issue 14, ADR 034).
import { expect, expectNoSeriousA11yViolations, test } from "./fixtures";

test("an admin uploads an export, sees the rejected lines with reasons, and a second upload imports nothing again", async ({
  pageAs,
}) => {
  const run = Date.now().toString(36);
  const user = (n: number, consent: unknown) =>
    JSON.stringify({
      user_id: `auth0|legacy-${run}-${n}`,
      email: `legacy-${run}-${n}@example.com`,
      user_metadata: { consent },
    });
  const file = {
    name: "users.ndjson",
    mimeType: "application/x-ndjson",
    buffer: Buffer.from(
      [
        user(1, { given: true, date: "03/14/2024", text_details: "https://example.com/terms" }),
        "{oops",
        user(2, { given: true, date: "02/30/2024" }),
        user(3, { given: true, date: "2024-06-01" }),
      ].join("\n") + "\n",
    ),
  };

  const admin = await pageAs("admin");
  await admin.goto("/admin");
  await admin.getByRole("navigation", { name: "Admin console" }).getByRole("link", { name: "Legacy import" }).click();
  await expect(admin.getByRole("heading", { name: "Legacy import", level: 1 })).toBeVisible();

  await admin.getByLabel("Auth0 users export").setInputFiles(file);
  await admin.getByRole("button", { name: "Import" }).click();
  const report = admin.getByTestId("import-report");
  await expect(report.getByRole("status")).toContainText("read 4 users; 2 imported");
  await expect(report.getByRole("status")).toContainText("2 rejected");
  await expect(admin.getByTestId("rejected-line")).toHaveText([
    /2\s*not valid JSON/,
    /3\s*consent\.date "02\/30\/2024"/,
  ]);
  await expectNoSeriousA11yViolations(admin);

  // The same file again, as after a cut-off upload: nothing is recorded twice.
  await admin.getByRole("button", { name: "Import" }).click();
  await expect(report.getByRole("status")).toContainText("0 imported (0 events), 2 already imported");

  // Compliance staff cannot open the page.
  const compliance = await pageAs("compliance");
  await compliance.goto("/admin/imports");
  await expect(compliance.getByRole("heading", { name: "Not allowed" })).toBeVisible();
});
