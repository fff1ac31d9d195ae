import "server-only";
import { z } from "zod";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { SignupConsentMetadata } from "@/lib/consent/auth0-consent-metadata";

const signupResponse = z.object({ _id: z.string().min(1), email: z.string() });
const signupError = z.object({
  name: z.string().optional(),
  code: z.string().optional(),
  description: z.unknown().optional(),
});

/**
 * Creates a database user through the Authentication API signup endpoint, with the consent in
 * `user_metadata` (the seed's "custom UI" path). Returns the Auth0 user id.
 */
export async function signUpUser(input: {
  email: string;
  password: string;
  /** Auth0 Authentication API limits: ≤ 10 properties, string values, ≤ 500 characters each. */
  userMetadata: SignupConsentMetadata;
}): Promise<{ auth0UserId: string }> {
  const config = env();
  let response: Response;
  try {
    response = await fetch(new URL("/dbconnections/signup", config.AUTH0_DOMAIN), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: config.AUTH0_CLIENT_ID,
        connection: config.AUTH0_DB_CONNECTION,
        email: input.email,
        password: input.password,
        user_metadata: input.userMetadata,
      }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new AppError("upstream_unavailable", "The sign-up service cannot be reached. Please try again shortly.", {
      cause: error,
    });
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const created = signupResponse.safeParse(body);
    if (!created.success) throw new AppError("upstream_unavailable", "The sign-up service gave an unexpected answer.");
    return { auth0UserId: `auth0|${created.data._id}` };
  }
  const refusal = signupError.safeParse(body).data;
  const code = refusal?.code;
  if (code === "user_exists" || code === "user_exists_in_connection") {
    throw new AppError("already_exists", "An account with this email already exists. Sign in instead.", {
      field: "email",
    });
  }
  if (refusal?.name === "PasswordDictionaryError") {
    throw new AppError("validation_failed", "This is one of the most common passwords: choose another.", {
      field: "password",
    });
  }
  if (code === "invalid_password" || code === "password_strength_error") {
    throw new AppError(
      "validation_failed",
      "This password is too weak: use at least 8 characters, with three of lower case, upper case, numbers and symbols.",
      { field: "password" },
    );
  }
  if (response.status === 400)
    throw new AppError("validation_failed", "The sign-up details were refused.", { field: "email" });
  throw new AppError("upstream_unavailable", "The sign-up service is unavailable. Please try again shortly.");
}
