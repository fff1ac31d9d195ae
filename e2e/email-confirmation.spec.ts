// Double opt-in (ADR 040): marketing emails chosen at sign-up wait for the address to be verified;
// the verification email is read from the emulator's mailbox over HTTP, as a person reads theirs.
import { auth0, expect, expectNoSeriousA11yViolations, NEW_PASSWORD, signIn, signUpAndSignIn, test } from "./fixtures";
import { E2E_EMULATOR_URL } from "./stack";

interface MailboxMessage {
  subject: string;
  links: string[];
}

test("an email purpose waits for the address: the person follows the emailed link and the consent is given", async ({
  page,
}) => {
  const email = await signUpAndSignIn(page, { label: "double-opt-in", optional: ["Marketing emails"] });

  // Told in plain words, and not counted as given.
  const notice = page.getByTestId("email-confirmation-notice");
  await expect(notice).toContainText("Please confirm your email address");
  await expect(notice).toContainText("“Marketing emails”");
  await expect(notice).toContainText(email);
  await expect(page.getByTestId("purpose-marketing-email")).toContainText("Waiting for email confirmation");
  await expectNoSeriousA11yViolations(page);

  // The inbox: one verification email with one link.
  const mailbox = await page.request.get(`${E2E_EMULATOR_URL}/mailbox?to=${encodeURIComponent(email)}`);
  const { messages } = (await mailbox.json()) as { messages: MailboxMessage[] };
  expect(messages.map((message) => message.subject)).toEqual(["Verify your email"]);
  const link = messages[0]!.links[0]!;

  // Following it lands on the portal, which asked Auth0 and says what became consent.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Your email address is verified" })).toBeVisible();
  await expect(page.getByTestId("email-verified-status")).toContainText("The consents you asked for are now given");
  await expect(page.getByTestId("email-verified-status").getByRole("listitem")).toHaveText(["Marketing emails"]);
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("link", { name: "See or change my consents" }).click();
  await expect(page.getByTestId("purpose-marketing-email")).toContainText("Given");
  await expect(page.getByTestId("email-confirmation-notice")).toHaveCount(0);

  // The history shows the request and its confirmation; the confirmation has a receipt.
  await page.goto("/me/history");
  const entries = page.getByTestId("history-entry");
  const confirmation = entries.first();
  await expect(confirmation).toContainText("You gave consent to “Marketing emails”");
  await expect(confirmation).toContainText("when you confirmed your email address");
  const request = entries.filter({ hasText: "You asked to give consent to “Marketing emails”" });
  await expect(request).toContainText("Not given yet: waiting for you to confirm your email address");
  await expect(request.getByRole("link", { name: /Download receipt/ })).toHaveCount(0);
  const receiptHref = await confirmation.getByRole("link", { name: /Download receipt/ }).getAttribute("href");
  const receipt = await page.request.get(receiptHref!);
  expect(receipt.status()).toBe(200);
  expect(((await receipt.json()) as { jws: string }).jws.split(".")).toHaveLength(3);
});

test("an address verified outside the portal confirms the waiting consent at the next sign-in", async ({ page }) => {
  const email = await signUpAndSignIn(page, { label: "verified-elsewhere", optional: ["Marketing emails"] });
  await expect(page.getByTestId("purpose-marketing-email")).toContainText("Waiting for email confirmation");

  // Auth0 learns the address is theirs some other way (an admin, another app's verification link);
  // the portal is not told. The next sign-in's ID token says `email_verified`.
  await auth0.patchUser(await auth0.userIdOf(email), { email_verified: true });
  await page.goto("/auth/logout");
  await signIn(page, email, NEW_PASSWORD);
  await expect(page.getByRole("heading", { name: /^Welcome, / })).toBeVisible();

  await page.goto("/me/consents");
  await expect(page.getByTestId("purpose-marketing-email")).toContainText("Given");
  await expect(page.getByTestId("email-confirmation-notice")).toHaveCount(0);
  await page.goto("/me/history");
  const confirmation = page.getByTestId("history-entry").first();
  await expect(confirmation).toContainText("You gave consent to “Marketing emails”");
  await expect(confirmation).toContainText("when you confirmed your email address");
});
