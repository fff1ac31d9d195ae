"use server";

import { redirect } from "next/navigation";
import { definePublicAction } from "@/lib/http/define-action";
import { readRequestContext } from "@/lib/http/request-context";
import { signUpSchema } from "@/lib/identity/schemas";
import { signUpWithConsent } from "@/lib/identity/sign-up-with-consent";

export const signUp = definePublicAction(signUpSchema, async (input, actor) => {
  const result = await signUpWithConsent({ ...input, context: await readRequestContext() }, actor);
  if (result.outcome === "verification_resent") {
    return "This address already has an account that is waiting for its email address to be verified. We sent the verification link to it again: follow the link in that email, then sign in.";
  }
  // The login page fills in the address and says the account was created (Auth0 hands `ext-`
  // parameters to its page templates; the emulator shows the line itself).
  const login = new URLSearchParams({
    login_hint: input.email,
    "ext-account-created": "1",
    returnTo: "/me/consents",
  });
  redirect(`/auth/login?${login.toString()}`);
});
