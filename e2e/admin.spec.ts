import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { Download } from "@playwright/test";
import {
  DEMO,
  DEMO_PASSWORD,
  NEW_PASSWORD,
  attemptSignIn,
  auth0,
  expect,
  expectNoSeriousA11yViolations,
  signIn,
  test,
} from "./fixtures";

// The admin console changes portal-wide settings (purposes, the current Terms, the withdrawal
// policy, roles), so this file's tests run one after another, in order. The two tagged
// @global-state change what every other signed-in person sees; they come last.
test.describe.configure({ mode: "default" });

async function downloadText(download: Download): Promise<string> {
  return Buffer.concat(await (await download.createReadStream()).toArray()).toString("utf8");
}

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

test("the admin console is for admins only", async ({ pageAs, page }) => {
  const user = await pageAs("user");
  for (const path of ["/admin", "/admin/purposes", "/admin/policies", "/admin/roles", "/admin/exports"]) {
    await user.goto(path);
    await expect(user.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    await expect(user.getByRole("navigation", { name: "Admin console" })).toHaveCount(0);
  }
  const compliance = await pageAs("compliance");
  await compliance.goto("/admin/withdrawal-policy");
  await expect(compliance.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  // Route handlers check the role themselves.
  expect((await user.request.get("/admin/exports/download?dataset=consent_state&format=csv")).status()).toBe(403);
  expect((await compliance.request.get("/admin/auth0-export/jobs/00000000-0000-4000-8000-000000000000")).status()).toBe(
    403,
  );
  expect((await page.request.get("/admin/exports/download?dataset=consent_state&format=csv")).status()).toBe(401);
  // Signed out, a page sends you to sign in and back.
  await page.goto("/admin/roles");
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await page.getByLabel("Email address").fill(DEMO.admin);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Roles" })).toBeVisible();
  await user.context().close();
  await compliance.context().close();
});

test("a person's edit of their own Auth0 metadata is found by the reconciliation, repaired, and counted on the dashboard", async ({
  newPerson,
  pageAs,
}) => {
  test.setTimeout(120_000);
  const email = await newPerson("mirror", ["Product analytics"]);
  const userId = await auth0.userIdOf(email);
  // The sync writes the one documented shape: the consent object, sign-up's flat keys gone.
  let metadata: Record<string, unknown> = {};
  await expect
    .poll(
      async () => {
        metadata = ((await auth0.user(userId)).user_metadata ?? {}) as Record<string, unknown>;
        return Object.keys(metadata).sort();
      },
      { timeout: 30_000 },
    )
    .toEqual(["consent"]);
  const consent = metadata.consent as { purposes: Record<string, boolean> };
  expect(consent.purposes.analytics).toBe(true);
  await auth0.patchUser(userId, {
    user_metadata: { consent: { ...consent, purposes: { ...consent.purposes, analytics: false } } },
  });

  const admin = await pageAs("admin");
  // The scheduled run starts a minute after boot: it may be going, or have read the users before
  // the edit above, and the tiles show the last run's counts. So compare again until a finished
  // run has found the drift (any run that starts after the edit finds it).
  await expect(async () => {
    await admin.goto("/admin");
    await admin.getByRole("button", { name: "Compare Auth0 with the ledger now" }).click();
    await expect(admin.getByRole("status")).toContainText("Reconciliation started", { timeout: 5_000 });
    await expect(async () => {
      await admin.reload();
      await expect(admin.getByTestId("mirror-last-run")).toContainText("✔", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(admin.getByTestId("mirror-drifted").locator("dd")).not.toHaveText("0", { timeout: 1_000 });
  }).toPass({ timeout: 90_000 });
  await expect(admin.getByTestId("mirror-repaired").locator("dd")).not.toHaveText("0");
  // Put right through the outbox: Auth0 says analytics is on again, as the ledger does.
  await expect
    .poll(
      async () =>
        ((await auth0.user(userId)).user_metadata as { consent: { purposes: Record<string, boolean> } }).consent
          .purposes.analytics,
      { timeout: 30_000 },
    )
    .toBe(true);
  await expectNoSeriousA11yViolations(admin);
});

test("the dashboard charts consent over time and shows the Auth0 sync's health", async ({
  newSignedInPerson,
  pageAs,
}) => {
  await newSignedInPerson("dashboard", ["Product analytics"]);
  const admin = await pageAs("admin");
  await admin.goto("/admin");
  await expect(admin.getByRole("heading", { name: "Admin dashboard" })).toBeVisible();
  for (const testId of ["outbox-backlog", "outbox-oldest", "outbox-failing", "outbox-delivered"]) {
    await expect(admin.getByTestId(testId)).toBeVisible();
  }
  const rate = admin.getByTestId("consent-rate");
  await expect(rate.getByText("Consent rate per purpose")).toBeVisible();
  // Everything here happened this week: the chart must still draw it (a line alone needs two weeks).
  await expect(rate.locator("svg .recharts-line-dot").last()).toBeVisible();
  await rate.getByText("Show the figures as a table").click();
  await expect(rate.getByRole("columnheader", { name: "Product analytics" })).toBeVisible();
  await expect(rate.getByRole("row").last()).toContainText("%");
  const activity = admin.getByTestId("weekly-activity");
  await expect(activity.locator("svg .recharts-bar-rectangle").first()).toBeVisible();
  await activity.getByText("Show the figures as a table").click();
  const thisWeek = activity.getByRole("row").last();
  await expect(thisWeek.getByRole("cell").first()).not.toHaveText("0");
  await expectNoSeriousA11yViolations(admin);
  await admin.context().close();
});

test("an admin creates, edits and retires purposes; a retired one leaves sign-up and My consents, not history", async ({
  newSignedInPerson,
  pageAs,
  page,
}) => {
  const id = stamp();
  const key = `survey-${id}`;
  const admin = await pageAs("admin");
  await admin.goto("/admin/purposes");
  await expectNoSeriousA11yViolations(admin);
  await admin.getByLabel("Key").fill(key);
  await admin.getByLabel("Title").fill(`Survey invitations ${id}`);
  await admin.getByLabel("What the person agrees to").fill("Invite me to short surveys.");
  await admin.getByLabel("Governing document").selectOption("privacy");
  await admin.getByRole("button", { name: "Create purpose" }).click();
  await expect(admin.getByRole("status")).toContainText(`Created “Survey invitations ${id}”`);
  await expect(admin.getByTestId(`admin-purpose-${key}`)).toContainText("Offered");

  // Offered at sign-up; a person agrees to it.
  const { page: person } = await newSignedInPerson("survey", [`Survey invitations ${id}`]);
  await expect(person.getByTestId(`purpose-${key}`)).toContainText("Given");

  await admin.getByRole("link", { name: `Survey invitations ${id}` }).click();
  await expect(admin.getByRole("heading", { name: `Survey invitations ${id}` })).toBeVisible();
  await expectNoSeriousA11yViolations(admin);
  // The person's receipt for that decision, downloaded through the real route, before any edit.
  await person.goto("/me/history");
  const receiptHref = await person
    .getByTestId("history-entry")
    .filter({ hasText: `Survey invitations ${id}` })
    .getByRole("link", { name: /Download receipt/ })
    .getAttribute("href");
  // Once the log has witnessed the decision the file carries its proof, pinned to that checkpoint.
  let receiptBefore: Buffer = Buffer.alloc(0);
  await expect
    .poll(
      async () => {
        receiptBefore = await (await person.request.get(receiptHref!)).body();
        return (JSON.parse(receiptBefore.toString("utf8")) as { proof: unknown }).proof !== null;
      },
      { timeout: 20_000 },
    )
    .toBe(true);

  // New wording is a new version: the admin must say whether it needs everyone's consent again.
  await admin.getByLabel("Title").fill(`Research invitations ${id}`);
  await expect(admin.getByTestId("wording-change")).toContainText("1 person has it granted");
  await admin.getByRole("button", { name: "Save changes" }).click();
  await expect(admin.getByText("choose whether the change is editorial or requires re-consent").first()).toBeVisible();
  await admin.getByLabel("Requires re-consent").check();
  await admin.getByLabel("What changed (optional)").fill("Interviews too, not only surveys.");
  await admin.getByRole("button", { name: "Save changes" }).click();
  await expect(admin.getByRole("status").first()).toHaveText(
    `Published version 2 of “Research invitations ${id}”. 1 person has it granted: the consent gate asks them again at their next visit.`,
  );
  const history = admin.getByRole("region", { name: "Version history" });
  const versionRow = (version: string) =>
    history.getByRole("row").filter({ has: admin.getByRole("rowheader", { name: version, exact: true }) });
  await expect(versionRow("2")).toContainText("Requires re-consent");
  await expect(versionRow("1")).toContainText(`Survey invitations ${id}`);

  // The receipt already issued is the same file, byte for byte.
  expect((await (await person.request.get(receiptHref!)).body()).equals(receiptBefore)).toBe(true);

  // The person is asked again at the gate, with what changed; renewing records the new wording.
  await person.goto("/me/consents");
  await expect(person).toHaveURL(/\/consent\?/);
  await expect(person.getByText("Interviews too, not only surveys.")).toBeVisible();
  await person.getByLabel(/I have read and accept/).check();
  await person.getByLabel(`Research invitations ${id}`).check();
  await person.getByRole("button", { name: "Accept and continue" }).click();
  await expect(person).toHaveURL(/\/me\/consents$/);
  await expect(person.getByTestId(`purpose-${key}`)).toContainText("Given");

  // It has a decision in the ledger: it is retired, not deleted.
  await admin.getByRole("button", { name: "Retire" }).click();
  await expect(admin.getByText("Retired. It is no longer offered")).toBeVisible();
  await admin.goto("/admin/purposes");
  await expect(admin.getByTestId(`admin-purpose-${key}`)).toContainText("Retired");

  await person.goto("/me/consents");
  await expect(person.getByTestId("purpose-terms")).toBeVisible();
  await expect(person.getByTestId(`purpose-${key}`)).toHaveCount(0);
  // History shows each decision with the wording the person saw then.
  await person.goto("/me/history");
  await expect(person.getByTestId("history-entry").filter({ hasText: `Research invitations ${id}` })).toHaveCount(1);
  await expect(person.getByTestId("history-entry").filter({ hasText: `Survey invitations ${id}` })).toHaveCount(1);
  await page.goto("/signup");
  await expect(page.getByLabel(/I accept the Terms of Service/)).toBeVisible();
  await expect(page.getByText(`Research invitations ${id}`)).toHaveCount(0);

  // Nobody decided on this one: it is deleted.
  await admin.getByLabel("Key").fill(`unused-${id}`);
  await admin.getByLabel("Title").fill(`Unused ${id}`);
  await admin.getByLabel("What the person agrees to").fill("Never mind.");
  await admin.getByRole("button", { name: "Create purpose" }).click();
  await admin.getByRole("link", { name: `Unused ${id}` }).click();
  await admin.getByRole("button", { name: "Delete" }).click();
  await expect(admin.getByRole("status")).toHaveText(`Deleted “unused-${id}” (nobody had decided on it yet).`);
  await expect(admin.getByTestId(`admin-purpose-unused-${id}`)).toHaveCount(0);

  // The Terms are required: they cannot be retired.
  await admin.getByRole("link", { name: "Terms of Service" }).click();
  await expect(admin.getByText("A required purpose cannot be retired")).toBeVisible();
  await expect(admin.getByRole("button", { name: "Retire" })).toHaveCount(0);
  await admin.context().close();
  await person.context().close();
});

test("roles: grant and revoke compliance through Auth0; the last admin cannot remove themselves", async ({
  newSignedInPerson,
  pageAs,
}) => {
  const { page: person, email } = await newSignedInPerson("staffer");
  const admin = await pageAs("admin");
  await admin.goto("/admin/roles");
  await expectNoSeriousA11yViolations(admin);
  await admin.getByLabel("Person").fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption("compliance");
  await admin.getByRole("button", { name: "Grant role" }).click();
  await expect(admin.getByRole("status").first()).toHaveText(
    `${email} now has the compliance role: from their next sign-in, or within a minute if they are signed in as staff.`,
  );
  const row = admin.getByTestId("staff-member").filter({ hasText: email });
  await expect(row).toContainText("compliance");

  // Their current session keeps its roles; the next sign-in carries the new one.
  await person.goto("/");
  await expect(person.getByTestId("viewer-role")).toHaveText("user");
  await person.goto("/auth/logout");
  await signIn(person, email, NEW_PASSWORD);
  await expect(person.getByTestId("viewer-role")).toHaveText("compliance");

  await row.getByRole("button", { name: `Remove compliance from ${email}` }).click();
  // Removing a role signs the person out at once: the page asks first, and Cancel changes nothing.
  await expect(row.getByTestId("revoke-confirmation")).toHaveText(
    `Remove the compliance role from ${email}? They are signed out at once.`,
  );
  await row.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText("compliance");
  await row.getByRole("button", { name: `Remove compliance from ${email}` }).click();
  await row.getByRole("button", { name: `Yes, remove compliance from ${email}` }).click();
  // The page shows the new state: what happened, and the person gone from the staff list.
  await expect(admin.getByText(`${email} no longer has the compliance role`)).toHaveText(
    `${email} no longer has the compliance role; their sessions have ended. Roles now: none.`,
  );
  await expect(row).toHaveCount(0);
  // Staff are named by email (the staff directory), both the admin who acted and the person.
  const revoked = admin
    .getByRole("listitem")
    .filter({ hasText: /revoked a role of/ })
    .first();
  await expect(revoked).toContainText("roles compliance → none");
  await expect(revoked).toContainText(`${DEMO.admin} (auth0|`);
  await expect(revoked).toContainText(`of ${email} (auth0|`);
  // Removing the role ended their session at once (ADR 035).
  await person.goto("/");
  await expect(person.getByRole("link", { name: "Sign in to continue" })).toBeVisible();

  // The demo admin is the only admin.
  const self = admin.getByTestId("staff-member").filter({ hasText: "(you)" });
  await self.getByRole("button", { name: /Remove admin/ }).click();
  await self.getByRole("button", { name: /Yes, remove admin/ }).click();
  await expect(self.getByRole("alert")).toHaveText(
    "You are the last admin. Make someone else an admin before removing your own admin role.",
  );
  await admin.reload();
  await expect(admin.getByTestId("staff-member").filter({ hasText: "(you)" })).toContainText("admin");
  await admin.context().close();
  await person.context().close();
});

test("exports stream filtered CSV at once, run large ones as jobs with progress, and log every export", async ({
  newSignedInPerson,
  pageAs,
}) => {
  await newSignedInPerson("exported", ["Product research"]);
  const admin = await pageAs("admin");
  await admin.goto("/admin/exports");
  await expectNoSeriousA11yViolations(admin);

  await admin.getByLabel("Current consent state").check();
  await admin.getByLabel("Format", { exact: true }).selectOption("csv");
  await admin.getByLabel("Purpose", { exact: true }).selectOption("product-research");
  await admin.getByLabel("State or action").selectOption("granted");
  const downloading = admin.waitForEvent("download");
  await admin.getByRole("button", { name: "Download", exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^consent-state-\d{8}T\d{6}Z\.csv$/);
  const [header, ...rows] = (await downloadText(download)).trimEnd().split("\n");
  expect(header).toContain('"subject_id","purpose","purpose_title"');
  expect(rows.length).toBeGreaterThan(0);
  for (const line of rows) {
    expect(line).toContain('"product-research","Product research"');
    expect(line).toContain('"granted"');
    expect(line).not.toContain("@"); // pseudonymous: no email addresses
  }

  await admin.getByLabel("Full event history").check();
  await admin.getByLabel("Format", { exact: true }).selectOption("ndjson");
  await admin.getByLabel("Purpose", { exact: true }).selectOption("");
  await admin.getByLabel("State or action").selectOption("");
  await admin.getByRole("button", { name: "Run as a background job" }).click();
  await expect(admin.getByText("The export is running in the background")).toBeVisible();
  const job = admin.getByTestId("export-job").first();
  await expect(job).toContainText("Event history · NDJSON");
  await expect(job.getByRole("progressbar")).toBeVisible();
  await expect(job).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(job.getByRole("status")).toHaveText(/^Ready: \d+ rows\.$/);
  const jobDownloading = admin.waitForEvent("download");
  await job.getByRole("link", { name: "Download NDJSON" }).click();
  const jobDownload = await jobDownloading;
  expect(jobDownload.suggestedFilename()).toMatch(/^consent-events-\d{8}T\d{6}Z\.ndjson$/);
  const events = (await downloadText(jobDownload))
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as { hash: string; prev_hash: string; action: string });
  expect(events.length).toBeGreaterThan(0);
  expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);

  const gz = await admin.request.get(
    `${await job.getByRole("link", { name: "Download as .gz" }).getAttribute("href")}`,
  );
  expect(gz.headers()["content-type"]).toBe("application/gzip");
  expect(
    gunzipSync(await gz.body())
      .toString()
      .split("\n").length,
  ).toBe(events.length + 1);

  await admin.reload();
  const log = admin.getByTestId("export-log");
  await expect(log.getByRole("listitem").nth(0)).toContainText("Event history, NDJSON, job-download");
  // Who exported, by email from the staff directory (the access log keeps only their id).
  await expect(log.getByRole("listitem").nth(0)).toContainText(`${DEMO.admin} (auth0|`);
  await expect(log.getByRole("listitem").filter({ hasText: /Event history, NDJSON, job$/ })).toHaveCount(1);
  await expect(
    log.getByRole("listitem").filter({ hasText: "Current consent state, CSV, download" }).first(),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(admin);
  await admin.context().close();
});

test("the Auth0 users export is started, followed and downloaded through the portal", async ({ pageAs }) => {
  const admin = await pageAs("admin");
  await admin.goto("/admin/auth0-export");
  await expectNoSeriousA11yViolations(admin);
  await admin.getByLabel("Format", { exact: true }).selectOption("csv");
  await admin.getByRole("button", { name: "Start an Auth0 export" }).click();
  await expect(admin.getByText("Auth0 is preparing the export")).toBeVisible();
  const job = admin.getByTestId("export-job").first();
  await expect(job).toContainText("Auth0 users · CSV");
  await expect(job).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  const downloading = admin.waitForEvent("download");
  await job.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^auth0-users-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await downloadText(download);
  expect(csv.split("\n")[0]).toBe("user_id,email,name,created_at,updated_at,consent,deleted");
  expect(csv).toContain(`"'${DEMO.admin}"`);
  // The job says how many people the file holds (one CSV line each: the cells hold no line break).
  const people = csv.trimEnd().split("\n").length - 1;
  await expect(job.getByRole("status")).toHaveText(`Ready: ${people} rows.`);

  const raw = await admin.request.get(
    `${await job.getByRole("link", { name: "Download as .gz" }).getAttribute("href")}`,
  );
  expect(raw.headers()["content-type"]).toBe("application/gzip");
  expect(gunzipSync(await raw.body()).toString()).toBe(csv);
  await expectNoSeriousA11yViolations(admin);
  await admin.context().close();
});

test(
  "publishing a Terms version that requires re-consent sends a signed-in person through the gate",
  { tag: "@global-state" },
  async ({ newSignedInPerson, pageAs }) => {
    const { page: person } = await newSignedInPerson("reconsent");
    const admin = await pageAs("admin");
    const version = `e2e-${stamp()}`;

    await admin.goto("/admin/policies");
    await expectNoSeriousA11yViolations(admin);
    await admin.getByRole("link", { name: "New Terms of Service draft" }).click();
    await expect(admin.getByRole("heading", { name: "New Terms of Service draft" })).toBeVisible();
    await expectNoSeriousA11yViolations(admin);
    await admin.getByLabel("Version label").fill(version);
    const text = `${await admin.getByLabel("Text").inputValue()}\n\n## 9. New clause ${version}\nWe added this clause.`;
    await admin.getByLabel("Text").fill(text);
    await admin.getByRole("button", { name: "Save draft" }).click();

    // Preview: the text as people will see it, and the hash that will be recorded.
    await expect(admin.getByRole("heading", { name: `Draft: Terms of Service version ${version}` })).toBeVisible();
    await expect(admin.getByTestId("draft-preview")).toContainText(`9. New clause ${version}`);
    const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
    await expect(admin.getByTestId("draft-sha256")).toHaveText(sha256);
    await expectNoSeriousA11yViolations(admin);

    await admin.getByRole("button", { name: `Publish version ${version}` }).click();
    await expect(admin.locator("#confirm-error")).toBeVisible();
    await admin.getByLabel("Requires re-consent").check();
    await admin.getByLabel(/I have read the preview/).check();
    // Re-consent needs a summary of what changed: people see it first at the gate.
    await admin.getByRole("button", { name: `Publish version ${version}` }).click();
    await expect(admin.locator("#changeSummary-error")).toHaveText(/say what changed/);
    await admin.getByLabel("What changed").fill(`We added clause 9 (${version}) about new things.`);
    await admin.getByRole("button", { name: `Publish version ${version}` }).click();
    await expect(admin.getByRole("status").first()).toContainText("Published.");
    await expect(admin.getByTestId("version-sha256")).toHaveText(sha256);
    // Who published it, by email from the staff directory.
    await expect(admin.getByText(`by ${DEMO.admin} (auth0|`)).toBeVisible();
    await expect(admin.getByTestId("reconsent-progress")).toContainText("have agreed to Terms of Service version");
    await expectNoSeriousA11yViolations(admin);

    // The person, still signed in, meets the consent gate at their next page.
    await person.goto("/me/consents");
    await expect(person).toHaveURL(/\/consent\?returnTo=%2Fme%2Fconsents/);
    await expect(person.getByRole("heading", { name: "Our terms have changed" })).toBeVisible();
    // First the admin's summary, then the text with the change marked against what they accepted.
    const summaries = person.getByTestId("change-summaries");
    await expect(summaries).toContainText(`We added clause 9 (${version}) about new things.`);
    const diff = person.getByTestId("diff-terms");
    await expect(diff.locator("ins")).toContainText(`## 9. New clause ${version}`);
    await expect(diff.locator("del")).toHaveCount(0);
    expect((await summaries.boundingBox())!.y).toBeLessThan((await diff.boundingBox())!.y);
    await expectNoSeriousA11yViolations(person);
    await person.getByLabel(/I have read and accept/).check();
    await person.getByRole("button", { name: "Accept and continue" }).click();
    await expect(person.getByRole("heading", { name: "My consents" })).toBeVisible();
    await expect(person.getByTestId("purpose-terms")).toContainText(`Terms of Service version ${version}`);

    await admin.reload();
    await expect(admin.getByTestId("reconsent-progress")).not.toContainText(/^0 of/);
    await admin.goto("/admin");
    await expect(admin.getByTestId("reconsent")).toContainText(`Re-consent to Terms of Service version ${version}`);
    await admin.context().close();
    await person.context().close();
  },
);

test(
  "with the withdrawal policy on delete, withdrawing the required consent deletes the Auth0 user",
  { tag: "@global-state" },
  async ({ newSignedInPerson, pageAs }) => {
    const { page: person, email } = await newSignedInPerson("deleted");
    const admin = await pageAs("admin");
    await admin.goto("/admin/withdrawal-policy");
    await expectNoSeriousA11yViolations(admin);
    await admin.getByLabel("Delete the Auth0 user").check();
    await admin.getByRole("button", { name: "Save withdrawal policy" }).click();
    await expect(admin.getByRole("status")).toHaveText(
      "Saved: from now on, withdrawing a required consent deletes the Auth0 user.",
    );
    try {
      await person
        .getByTestId("purpose-terms")
        .getByRole("button", { name: /Withdraw/ })
        .click();
      await expect(person.getByTestId("consequence")).toHaveText(/Your account will be deleted/);
      await person.getByRole("button", { name: "Yes, withdraw and close my account" }).click();
      await expect(person.getByRole("heading", { level: 1, name: "Your account is closed" })).toBeVisible();
    } finally {
      // Back to the default at once: the choice is made when the withdrawal is recorded.
      await admin.getByLabel("Flag the Auth0 user as deleted").check();
      await admin.getByRole("button", { name: "Save withdrawal policy" }).click();
      await expect(admin.getByRole("status")).toHaveText(/flags the Auth0 user as deleted/);
    }
    await admin.reload();
    await expect(admin.getByTestId("withdrawal-policy-history").getByRole("listitem").first()).toContainText(
      "from delete to flag",
    );
    // Named by email, from the staff directory.
    await expect(admin.getByTestId("withdrawal-policy-history").getByRole("listitem").first()).toContainText(
      `${DEMO.admin} (auth0|`,
    );
    await expect(admin.getByTestId("withdrawal-policy-history").getByRole("listitem").nth(1)).toContainText(
      "from flag to delete",
    );
    // Deleted, not flagged: Auth0 no longer knows the address at all.
    await expect(async () => {
      await attemptSignIn(person, email, NEW_PASSWORD);
      await expect(person.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.", {
        timeout: 2_000,
      });
    }).toPass({ timeout: 30_000 });
    await admin.context().close();
    await person.context().close();
  },
);
