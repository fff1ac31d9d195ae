"use server";

import { redirect } from "next/navigation";
import { definePublicAction } from "@/lib/http/define-action";
import { readRequestContext } from "@/lib/http/request-context";
import { signUpSchema } from "@/lib/identity/schemas";
import { signUpWithConsent } from "@/lib/identity/sign-up-with-consent";

export const signUp = definePublicAction(signUpSchema, async (input, actor) => {
  await signUpWithConsent({ ...input, context: await readRequestContext() }, actor);
  const login = new URLSearchParams({ login_hint: input.email, returnTo: "/me/consents" });
  redirect(`/auth/login?${login.toString()}`);
});
