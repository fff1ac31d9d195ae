"use client";

import { useActionState } from "react";
import { FieldError, FormStatus, fieldErrorId, hasFieldError } from "@/components/form-status";
import { PurposeCheckboxes } from "@/components/purpose-checkboxes";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { signUp } from "./actions";

export interface SignUpFormProps {
  idempotencyKey: string;
  policyVersionIds: string[];
  terms: { title: string; version: string; href: string } | null;
  privacy: { title: string; version: string; href: string } | null;
  optionalPurposes: Array<{ key: string; title: string; description: string }>;
}

const inputClass = "mt-1 w-full rounded-md border border-slate-400 px-3 py-2";

export function SignUpForm({ idempotencyKey, policyVersionIds, terms, privacy, optionalPurposes }: SignUpFormProps) {
  const [state, action] = useActionState(signUp, IDLE);
  const invalid = (name: string) =>
    hasFieldError(state, name) ? { "aria-invalid": true, "aria-describedby": fieldErrorId(name) } : {};
  return (
    <form action={action} className="space-y-6" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {policyVersionIds.map((id) => (
        <input key={id} type="hidden" name="policyVersionIds" value={id} />
      ))}
      <div>
        <label htmlFor="email" className="block font-medium">
          Email address
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          className={inputClass}
          {...invalid("email")}
        />
        <FieldError state={state} name="email" />
      </div>
      <div>
        <label htmlFor="password" className="block font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          className={inputClass}
          {...invalid("password")}
        />
        <p className="mt-1 text-sm text-slate-600">At least 8 characters.</p>
        <FieldError state={state} name="password" />
      </div>

      <fieldset className="rounded-md border border-slate-300 p-4">
        <legend className="px-1 font-semibold">Required to use the service</legend>
        <div className="flex items-start gap-3">
          <input
            id="acceptTerms"
            name="acceptTerms"
            type="checkbox"
            className="mt-1 h-5 w-5"
            {...invalid("acceptTerms")}
          />
          <label htmlFor="acceptTerms">
            I accept the{" "}
            {terms ? (
              <a href={terms.href} target="_blank" className="font-medium text-blue-800 underline">
                {terms.title} (version {terms.version})
              </a>
            ) : (
              "Terms of Service"
            )}{" "}
            and have read the{" "}
            {privacy ? (
              <a href={privacy.href} target="_blank" className="font-medium text-blue-800 underline">
                {privacy.title} (version {privacy.version})
              </a>
            ) : (
              "Privacy Policy"
            )}
            .
          </label>
        </div>
        <FieldError state={state} name="acceptTerms" />
      </fieldset>

      {optionalPurposes.length > 0 && (
        <fieldset className="rounded-md border border-slate-300 p-4" {...invalid("purposes")}>
          <legend className="px-1 font-semibold">Optional: choose what else you agree to</legend>
          <p className="mb-3 text-sm text-slate-600">
            Each is your choice; you can change it at any time in My consents.
          </p>
          <PurposeCheckboxes name="purposes" purposes={optionalPurposes} />
          <FieldError state={state} name="purposes" />
        </fieldset>
      )}

      <SubmitButton pendingText="Creating your account…">Create account</SubmitButton>
    </form>
  );
}
