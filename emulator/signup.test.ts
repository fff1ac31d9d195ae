// POST /dbconnections/signup: Auth0's Authentication API signup, with its user_metadata limits.
import { describe, expect, it } from "vitest";
import { DATABASE_CONNECTION } from "./store.js";
import { APP, loginThroughBrowserFlow, tenantForEachTest, TEST_PASSWORD, type TestTenant } from "../test/emulator.js";

let tenant: TestTenant;
tenantForEachTest({}, (started) => (tenant = started));

async function signup(body: unknown, contentType = "application/json") {
  const response = await fetch(`${tenant.origin}/dbconnections/signup`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const valid = () => ({
  client_id: APP.clientId,
  email: "New.Person@Example.com",
  password: TEST_PASSWORD,
  connection: DATABASE_CONNECTION,
});

describe("POST /dbconnections/signup", () => {
  it("creates the user and answers with Auth0's signup shape (the id without auth0|)", async () => {
    const consent = { terms: "v3", privacy: "v2", marketing: "no" };
    const { status, body } = await signup({
      ...valid(),
      given_name: "New",
      family_name: "Person",
      name: "New Person",
      user_metadata: consent,
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown,
      email_verified: false,
      email: "new.person@example.com",
      given_name: "New",
      family_name: "Person",
      name: "New Person",
      user_metadata: consent,
    });
    const stored = await tenant.api<Array<Record<string, unknown>>>(
      "GET",
      "/api/v2/users-by-email?email=new.person%40example.com",
    );
    expect(stored.body[0]).toMatchObject({
      user_id: `auth0|${String(body._id)}`,
      user_metadata: consent,
      given_name: "New",
    });
  });

  it("lets the new user log in through the login page", async () => {
    expect((await signup(valid())).status).toBe(200);
    const login = await loginThroughBrowserFlow(tenant, "new.person@example.com", TEST_PASSWORD);
    expect(login.callback?.searchParams.get("code")).toBeTruthy();
  });

  it("continues to the login page with the address filled in and a line saying the account was created", async () => {
    expect((await signup(valid())).status).toBe(200);
    const login = await loginThroughBrowserFlow(tenant, "new.person@example.com", TEST_PASSWORD, {
      login_hint: "new.person@example.com",
      "ext-account-created": "1",
    });
    expect(login.loginPageHtml).toContain('value="new.person@example.com"');
    expect(login.loginPageHtml).toContain("Your account was created. Enter your password to sign in.");
    expect(login.callback?.searchParams.get("code")).toBeTruthy();
    // Without the parameter, an ordinary sign-in says nothing of the kind.
    const plain = await loginThroughBrowserFlow(tenant, "new.person@example.com", TEST_PASSWORD);
    expect(plain.loginPageHtml).not.toContain("account was created");
  });

  it("accepts a form-encoded body too", async () => {
    const { status, body } = await signup(new URLSearchParams(valid()).toString(), "application/x-www-form-urlencoded");
    expect(status).toBe(200);
    expect(body.email).toBe("new.person@example.com");
  });

  it("answers user_exists for an email that is taken, whatever its case", async () => {
    expect((await signup(valid())).status).toBe(200);
    expect(await signup({ ...valid(), email: "NEW.PERSON@example.com" })).toEqual({
      status: 400,
      body: { name: "BadRequestError", code: "user_exists", description: "The user already exists.", statusCode: 400 },
    });
  });

  it("answers a PasswordStrengthError for a weak password", async () => {
    const { status, body } = await signup({ ...valid(), password: "short" });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      name: "PasswordStrengthError",
      code: "invalid_password",
      message: "Password is too weak",
      statusCode: 400,
    });
  });

  it("enforces Auth0's fair policy: 8 characters of at least 3 of 4 kinds, saying which rules failed", async () => {
    // Long, but only lower case letters and a symbol: 2 kinds of 4.
    const { status, body } = await signup({ ...valid(), password: "correct-horse-battery" });
    expect(status).toBe(400);
    expect(body).toMatchObject({ name: "PasswordStrengthError", code: "invalid_password" });
    expect(body.description).toMatchObject({
      rules: [
        { code: "lengthAtLeast", format: [8], verified: true },
        {
          code: "containsAtLeast",
          format: [3, 4],
          verified: false,
          items: [
            { code: "lowerCase", verified: true },
            { code: "upperCase", verified: false },
            { code: "numbers", verified: false },
            { code: "specialCharacters", verified: true },
          ],
        },
      ],
    });
    expect(body.policy).toContain("Contain at least 3 of the following 4 types of characters");
    expect((await signup({ ...valid(), password: "Correct-horse-battery" })).status).toBe(200);
  });

  it("refuses the 10,000 most common passwords, in any letter case, as Auth0's Password Dictionary does", async () => {
    // "password1" is on the list; capitalised it passes the fair policy, and is still refused.
    for (const password of ["Password1", "pASSWORD1", "Baseball1", "TrustNo1"]) {
      expect(await signup({ ...valid(), password })).toEqual({
        status: 400,
        body: {
          name: "PasswordDictionaryError",
          message: "Password is too common",
          code: "invalid_password",
          description: "Password is too common",
          statusCode: 400,
        },
      });
    }
    expect(tenant.emulator.store.findUserByEmail("new.person@example.com")).toBeUndefined();
  });

  describe("user_metadata limits (at most 10 properties, string values, 500 characters each)", () => {
    const withMetadata = (user_metadata: unknown) => signup({ ...valid(), user_metadata });

    it("accepts exactly 10 string properties of 500 characters", async () => {
      const ten = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`p${index}`, "x".repeat(500)]));
      expect((await withMetadata(ten)).status).toBe(200);
    });

    it("refuses an 11th property", async () => {
      const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`p${index}`, "v"]));
      const { status, body } = await withMetadata(eleven);
      expect(status).toBe(400);
      expect(body).toMatchObject({
        code: "invalid_signup",
        description: "user_metadata may have at most 10 properties (got 11)",
      });
    });

    it("refuses values that are not strings", async () => {
      for (const value of [true, 3, { nested: "x" }, ["a"], null]) {
        const { status, body } = await withMetadata({ consent: value });
        expect(status).toBe(400);
        expect(body).toMatchObject({
          code: "invalid_signup",
          description: expect.stringMatching(/^user_metadata\.consent must be a string/) as unknown,
        });
      }
    });

    it("refuses a value over 500 characters and a name over 100", async () => {
      expect((await withMetadata({ note: "x".repeat(501) })).body).toMatchObject({
        code: "invalid_signup",
        description: "user_metadata.note may have at most 500 characters (got 501)",
      });
      expect((await withMetadata({ ["k".repeat(101)]: "v" })).body).toMatchObject({
        code: "invalid_signup",
        description: expect.stringMatching(/property names may have at most 100 characters/) as unknown,
      });
    });

    it("refuses names with '.' or '$', and a metadata that is not an object", async () => {
      expect((await withMetadata({ "consent.given": "yes" })).body).toMatchObject({
        code: "invalid_signup",
        description: expect.stringMatching(/may not contain/) as unknown,
      });
      expect((await withMetadata({ $set: "yes" })).status).toBe(400);
      expect((await withMetadata("yes")).body).toMatchObject({
        code: "invalid_signup",
        description: expect.stringMatching(/user_metadata/) as unknown,
      });
    });
  });

  it("refuses missing parameters, a bad email, unknown fields, bad JSON, an unknown client or connection", async () => {
    const { password: _password, ...noPassword } = valid();
    expect((await signup(noPassword)).body).toMatchObject({
      code: "invalid_signup",
      description: "Missing required parameter: password",
    });
    expect((await signup({ ...valid(), email: "nope" })).body).toMatchObject({
      code: "invalid_signup",
      description: "Invalid email address",
    });
    expect((await signup({ ...valid(), role: "admin" })).body).toMatchObject({
      code: "invalid_signup",
      description: "Unknown parameters: role",
    });
    expect((await signup("{not json")).body).toMatchObject({
      code: "invalid_signup",
      description: "Invalid JSON body",
    });
    expect((await signup({ ...valid(), client_id: "nobody" })).body).toMatchObject({
      code: "invalid_signup",
      description: "Unknown client: nobody",
    });
    expect((await signup({ ...valid(), connection: "google-oauth2" })).body).toMatchObject({
      code: "invalid_signup",
      description: "Connection does not exist: google-oauth2",
    });
    expect((await signup({ ...valid(), username: "newperson" })).status).toBe(400);
    const get = await fetch(`${tenant.origin}/dbconnections/signup`);
    expect(get.status).toBe(405);
  });
});
