"use client";

import { useActionState, useState } from "react";
import { buttonClass } from "@/components/button-class";
import { PreservingForm } from "@/components/preserving-form";
import { SelectInput, TextInput } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { changeRoleAction, endSessionsAction } from "./actions";

export function GrantRoleForm() {
  const [state, action] = useActionState(changeRoleAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="change" value="grant" />
      <TextInput
        state={state}
        name="user"
        label="Person"
        required
        hint="Their email address, or their Auth0 user id (e.g. auth0|64f…). They must have an account."
        autoComplete="off"
      />
      <SelectInput name="role" label="Role" defaultValue="compliance">
        <option value="compliance">Compliance (search people, audit decisions)</option>
        <option value="admin">Admin (everything, including roles)</option>
      </SelectInput>
      <SubmitButton pendingText="Granting…">Grant role</SubmitButton>
    </PreservingForm>
  );
}

export function RevokeRoleForm(props: { userId: string; role: "compliance" | "admin"; who: string }) {
  const [state, action] = useActionState(changeRoleAction, IDLE);
  // Removing a role signs the person out at once: ask first (issue 16 point 8).
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <div className="space-y-2">
        <button type="button" className={buttonClass("secondary")} onClick={() => setConfirming(true)}>
          Remove {props.role}
          <span className="sr-only"> from {props.who}</span>
        </button>
        <FormStatus state={state} />
      </div>
    );
  }
  return (
    <PreservingForm
      action={action}
      state={state}
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3"
      role="group"
      aria-label={`Confirm removing ${props.role} from ${props.who}`}
    >
      <p className="text-sm" data-testid="revoke-confirmation">
        Remove the <strong>{props.role}</strong> role from <strong className="break-all">{props.who}</strong>? They are
        signed out at once.
      </p>
      <input type="hidden" name="user" value={props.userId} />
      <input type="hidden" name="role" value={props.role} />
      <input type="hidden" name="change" value="revoke" />
      <div className="flex flex-wrap gap-2">
        <SubmitButton variant="danger" pendingText="Removing…">
          Yes, remove {props.role}
          <span className="sr-only"> from {props.who}</span>
        </SubmitButton>
        <button type="button" className={buttonClass("secondary")} onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
      <FormStatus state={state} />
    </PreservingForm>
  );
}

export function EndSessionsForm() {
  const [state, action] = useActionState(endSessionsAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <TextInput
        state={state}
        name="user"
        label="Person"
        required
        hint="Their email address, or their Auth0 user id. Every browser they are signed in with is signed out."
        autoComplete="off"
      />
      <SubmitButton variant="secondary" pendingText="Ending…">
        End their sessions
      </SubmitButton>
    </PreservingForm>
  );
}
