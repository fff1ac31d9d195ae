// Auth0's address verification: the email after a database sign-up, the resend job, tickets, and
// the link that marks the address verified and redirects to the result URL.
import { describe, expect, it } from "vitest";
import { DATABASE_CONNECTION } from "./store.js";
import { APP, readMailbox, tenantForEachTest, TEST_PASSWORD, type TestTenant } from "../test/emulator.js";

const RESULT_URL = "http://localhost:3999/email-verified";
let tenant: TestTenant;
tenantForEachTest({ verifyEmailResultUrl: RESULT_URL }, (started) => (tenant = started));

async function signUp(email: string): Promise<string> {
  const response = await fetch(`${tenant.origin}/dbconnections/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: APP.clientId, email, password: TEST_PASSWORD, connection: DATABASE_CONNECTION }),
  });
  const body = (await response.json()) as { _id: string };
  return `auth0|${body._id}`;
}

async function emailVerified(userId: string): Promise<unknown> {
  const user = await tenant.api<{ email_verified: boolean }>("GET", `/api/v2/users/${encodeURIComponent(userId)}`);
  return user.body.email_verified;
}

describe("verification email", () => {
  it("is sent after a database sign-up; its link verifies the address once and redirects to the template's URL", async () => {
    const userId = await signUp("Reader@Example.com");
    expect(await emailVerified(userId)).toBe(false);

    const [message, ...more] = await readMailbox(tenant.origin, "reader@example.com");
    expect(more).toEqual([]);
    expect(message).toMatchObject({ to: "reader@example.com", subject: "Verify your email" });
    const link = message!.links[0]!;
    expect(link).toMatch(new RegExp(`^${tenant.origin}/u/email-verification\\?ticket=[\\w-]+#$`));
    expect(message!.text).toContain(link);

    const followed = await fetch(link, { redirect: "manual" });
    expect(followed.status).toBe(302);
    const target = new URL(followed.headers.get("location")!);
    expect(`${target.origin}${target.pathname}`).toBe(RESULT_URL);
    expect(Object.fromEntries(target.searchParams)).toMatchObject({
      success: "true",
      code: "success",
      message: "Your email was verified. You can continue using the application.",
    });
    expect(target.searchParams.has("email")).toBe(false);
    expect(await emailVerified(userId)).toBe(true);

    const again = new URL((await fetch(link, { redirect: "manual" })).headers.get("location")!);
    expect(Object.fromEntries(again.searchParams)).toMatchObject({
      success: "false",
      message: "This URL can be used only once",
    });
  });

  it("POST /api/v2/jobs/verification-email sends it again (update:users) and answers Auth0's job", async () => {
    const userId = await signUp("again@example.com");
    const job = await tenant.api<Record<string, unknown>>("POST", "/api/v2/jobs/verification-email", {
      body: { user_id: userId },
    });
    expect(job.status).toBe(201);
    expect(job.body).toEqual({
      id: expect.stringMatching(/^job_[A-Za-z0-9]{16}$/) as unknown,
      type: "verification_email",
      status: "completed",
      created_at: expect.any(String) as unknown,
    });
    expect((await tenant.api("GET", `/api/v2/jobs/${String(job.body.id)}`)).body).toEqual(job.body);
    expect(await readMailbox(tenant.origin, "again@example.com")).toHaveLength(2);

    const missing = await tenant.api("POST", "/api/v2/jobs/verification-email", {
      body: { user_id: "auth0|000000000000000000000000" },
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ errorCode: "inexistent_user" });
    const reader = await tenant.token({ clientId: "reader-m2m", clientSecret: "reader-secret-0123456789" });
    const refused = await tenant.api("POST", "/api/v2/jobs/verification-email", {
      body: { user_id: userId },
      token: reader,
    });
    expect(refused.status).toBe(403);
  });

  it("POST /api/v2/tickets/email-verification answers a ticket URL that redirects to its result_url", async () => {
    const user = await tenant.createUser("ticket@example.com");
    const ticket = await tenant.api<{ ticket: string }>("POST", "/api/v2/tickets/email-verification", {
      body: {
        user_id: user.user_id,
        result_url: "http://localhost:3999/welcome?from=ticket",
        includeEmailInRedirect: true,
      },
    });
    expect(ticket.status).toBe(201);
    const followed = await fetch(ticket.body.ticket, { redirect: "manual" });
    const target = new URL(followed.headers.get("location")!);
    expect(target.pathname).toBe("/welcome");
    expect(target.searchParams.get("from")).toBe("ticket");
    expect(target.searchParams.get("email")).toBe("ticket@example.com");
    expect(target.searchParams.get("success")).toBe("true");
    expect(await emailVerified(user.user_id)).toBe(true);
    // A ticket is not an email: nothing was sent.
    expect(await readMailbox(tenant.origin, "ticket@example.com")).toEqual([]);

    const unknownField = await tenant.api("POST", "/api/v2/tickets/email-verification", {
      body: { user_id: user.user_id, resultUrl: "http://x" },
    });
    expect(unknownField.status).toBe(400);
  });

  it("an expired ticket verifies nothing; an unknown one shows the emulator's page", async () => {
    const user = await tenant.createUser("late@example.com");
    const ticket = await tenant.api<{ ticket: string }>("POST", "/api/v2/tickets/email-verification", {
      body: { user_id: user.user_id, result_url: RESULT_URL, ttl_sec: 1 },
    });
    const expiry = Date.now() + 1000;
    await expect.poll(() => Date.now() > expiry, { interval: 100 }).toBe(true);
    const target = new URL((await fetch(ticket.body.ticket, { redirect: "manual" })).headers.get("location")!);
    expect(target.searchParams.get("success")).toBe("false");
    expect(await emailVerified(user.user_id)).toBe(false);

    const unknown = await fetch(`${tenant.origin}/u/email-verification?ticket=nope`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Email verification failed");
  });
});
