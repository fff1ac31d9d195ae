import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { DatabaseConnection } from "./connections.js";
import { checkPassword } from "./password-policy.js";
import { valueAt } from "./errors.js";
import { readAuthenticationBody, sendJson } from "./http.js";
import { hashPassword } from "./passwords.js";
import { TenantStore, type StoredUser } from "./store.js";
import type { EmailVerification } from "./email-verification.js";
import { defaultPicture } from "./user-profile.js";

/**
 * Auth0's limits on `user_metadata` at signup (Authentication API reference): "an object
 * containing no more than ten properties. Property names can have a maximum of 100
 * characters, and property values must be strings of no more than 500 characters."
 */
const SIGNUP_METADATA_MAX_PROPERTIES = 10;
const SIGNUP_METADATA_MAX_NAME_CHARS = 100;
const SIGNUP_METADATA_MAX_VALUE_CHARS = 500;

const signupSchema = z.strictObject({
  client_id: z.string().min(1),
  email: z.email(),
  password: z.string().min(1),
  connection: z.string().min(1),
  username: z.string().optional(),
  phone_number: z.string().optional(),
  given_name: z.string().min(1).max(150).optional(),
  family_name: z.string().min(1).max(150).optional(),
  name: z.string().min(1).max(300).optional(),
  nickname: z.string().min(1).max(300).optional(),
  picture: z.url().optional(),
  user_metadata: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Authentication API errors are shaped `{ name, code, description, statusCode }`. The codes are
 * Auth0's documented signup codes: `user_exists` for a taken email, `invalid_password` (with
 * `PasswordStrengthError`) for a weak password, `invalid_signup` for anything else invalid.
 */
function signupError(res: ServerResponse, code: string, description: string, name = "BadRequestError") {
  sendJson(res, 400, { name, code, description, statusCode: 400 });
}

function metadataProblem(metadata: Record<string, unknown>): string | undefined {
  const entries = Object.entries(metadata);
  if (entries.length > SIGNUP_METADATA_MAX_PROPERTIES) {
    return `user_metadata may have at most ${SIGNUP_METADATA_MAX_PROPERTIES} properties (got ${entries.length})`;
  }
  for (const [key, value] of entries) {
    if (key.length > SIGNUP_METADATA_MAX_NAME_CHARS) {
      return `user_metadata property names may have at most ${SIGNUP_METADATA_MAX_NAME_CHARS} characters: ${key.slice(0, 20)}…`;
    }
    if (key.includes(".") || key.includes("$"))
      return `user_metadata property names may not contain "." or "$": ${key}`;
    if (typeof value !== "string")
      return `user_metadata.${key} must be a string (got ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value})`;
    if (value.length > SIGNUP_METADATA_MAX_VALUE_CHARS) {
      return `user_metadata.${key} may have at most ${SIGNUP_METADATA_MAX_VALUE_CHARS} characters (got ${value.length})`;
    }
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") return `Unknown parameters: ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined)
    return `Missing required parameter: ${path}`;
  if (issue.code === "invalid_format" && issue.format === "email") return "Invalid email address";
  return `Invalid ${path || "body"}: ${issue.message}`;
}

/** `POST /dbconnections/signup`: creates a database user as Auth0's Authentication API does. */
export async function handleSignup(
  req: IncomingMessage,
  res: ServerResponse,
  store: TenantStore,
  connection: DatabaseConnection,
  emailVerification: EmailVerification,
): Promise<void> {
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "POST" }).end();
    return;
  }
  const read = await readAuthenticationBody(req);
  if ("error" in read) {
    signupError(res, "invalid_signup", read.error);
    return;
  }
  const { input } = read;
  const parsed = signupSchema.safeParse(input);
  if (!parsed.success) {
    signupError(
      res,
      "invalid_signup",
      parsed.error.issues[0] ? describeIssue(parsed.error.issues[0], input) : "Invalid sign up",
    );
    return;
  }
  const body = parsed.data;
  if (!store.getClient(body.client_id)) {
    signupError(res, "invalid_signup", `Unknown client: ${body.client_id}`);
    return;
  }
  if (body.connection !== connection.name) {
    signupError(res, "invalid_signup", `Connection does not exist: ${body.connection}`);
    return;
  }
  if (body.username !== undefined || body.phone_number !== undefined) {
    signupError(res, "invalid_signup", "This database connection does not use usernames or phone numbers");
    return;
  }
  const problem = body.user_metadata ? metadataProblem(body.user_metadata) : undefined;
  if (problem) {
    signupError(res, "invalid_signup", problem);
    return;
  }
  const refusal = checkPassword(body.password);
  if (refusal) {
    // Auth0's shapes: the strength error lists the policy's rules, the dictionary error only says so.
    sendJson(res, 400, {
      name: refusal.name,
      message: refusal.message,
      code: "invalid_password",
      description:
        refusal.name === "PasswordStrengthError" ? { rules: refusal.rules, verified: false } : refusal.message,
      ...(refusal.name === "PasswordStrengthError" ? { policy: refusal.policy } : {}),
      statusCode: 400,
    });
    return;
  }
  const email = body.email.toLowerCase(); // Auth0 stores database users' emails in lower case.
  if (store.findUserByEmail(email)) {
    signupError(res, "user_exists", "The user already exists.");
    return;
  }
  const now = new Date().toISOString();
  const userId = TenantStore.newUserId();
  const user: StoredUser = {
    user_id: userId,
    email,
    email_verified: false,
    name: body.name ?? email,
    nickname: body.nickname ?? email.split("@")[0] ?? email,
    ...(body.given_name === undefined ? {} : { given_name: body.given_name }),
    ...(body.family_name === undefined ? {} : { family_name: body.family_name }),
    picture: body.picture ?? defaultPicture(email),
    created_at: now,
    updated_at: now,
    logins_count: 0,
    user_metadata: body.user_metadata ?? {},
    app_metadata: {},
    password_hash: await hashPassword(body.password),
  };
  store.saveUser(user);
  // Auth0 sends the verification email after a database sign-up (the template is on by default).
  emailVerification.sendVerificationEmail(user);
  // Auth0's signup response: the id without the `auth0|` prefix, plus the fields it was given.
  sendJson(res, 200, {
    _id: userId.slice(userId.indexOf("|") + 1),
    email_verified: false,
    email,
    ...(body.given_name === undefined ? {} : { given_name: body.given_name }),
    ...(body.family_name === undefined ? {} : { family_name: body.family_name }),
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.nickname === undefined ? {} : { nickname: body.nickname }),
    ...(body.picture === undefined ? {} : { picture: body.picture }),
    ...(body.user_metadata === undefined ? {} : { user_metadata: body.user_metadata }),
  });
}
