"use client";

import { useActionState } from "react";
import { PreservingForm } from "@/components/preserving-form";
import { CheckboxField, TextInput } from "@/components/form-field";
import { FieldError, FormStatus, invalidProps } from "@/components/form-status";
import { POLICY_KIND_TITLES, type PolicyKind } from "@/components/policy-kind";
import { PurposeCheckboxes } from "@/components/purpose-checkboxes";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { signUp } from "./actions";

export interface SignUpFormProps {
  idempotencyKey: string;
  policyVersionIds: string[];
  terms: { title: string; version: string; href: string } | null;
  privacy: { title: string; version: string; href: string } | null;
  optionalPurposes: Array<{ key: string; title: string; description: string; confirmByEmail: boolean }>;
}

function PolicyLink({ policy, kind }: { policy: SignUpFormProps["terms"]; kind: PolicyKind }) {
  if (!policy) return POLICY_KIND_TITLES[kind];
  return (
    <a href={policy.href} target="_blank" className="font-medium text-blue-800 underline">
      {policy.title} (version {policy.version})
    </a>
  );
}

export function SignUpForm({ idempotencyKey, policyVersionIds, terms, privacy, optionalPurposes }: SignUpFormProps) {
  const [state, action] = useActionState(signUp, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-6" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {policyVersionIds.map((id) => (
        <input key={id} type="hidden" name="policyVersionIds" value={id} />
      ))}
      <TextInput state={state} name="email" label="Email address" type="email" autoComplete="email" required />
      <TextInput
        state={state}
        name="password"
        label="Password"
        hint="At least 8 characters, with three of: lower case, upper case, numbers, symbols. Common passwords are refused."
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
      />

      <fieldset className="rounded-md border border-slate-300 p-4">
        <legend className="px-1 font-semibold">Required to use the service</legend>
        <CheckboxField
          state={state}
          name="acceptTerms"
          label={
            <>
              I accept the <PolicyLink policy={terms} kind="terms" /> and have read the{" "}
              <PolicyLink policy={privacy} kind="privacy" />.
            </>
          }
        />
      </fieldset>

      {optionalPurposes.length > 0 && (
        <fieldset
          className="rounded-md border border-slate-300 p-4 aria-[invalid=true]:border-red-700"
          {...invalidProps(state, "purposes")}
        >
          <legend className="px-1 font-semibold">Optional: choose what else you agree to</legend>
          <p className="mb-3 text-sm text-slate-600">
            Each is your choice; you can change it at any time in My consents.
          </p>
          <PurposeCheckboxes name="purposes" purposes={optionalPurposes} />
          <FieldError state={state} name="purposes" />
        </fieldset>
      )}

      <SubmitButton pendingText="Creating your account…">Create account</SubmitButton>
    </PreservingForm>
  );
}
