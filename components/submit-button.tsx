"use client";

import { useContext, type ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { buttonClass, type ButtonVariant } from "./button-class";
import { PreservingFormPendingContext } from "./preserving-form";

/**
 * A submit button that says it is working while its form is pending. `formAction` sends the
 * form's fields to another action than the form's own.
 */
export function SubmitButton({
  children,
  pendingText = "Saving…",
  variant = "primary",
  name,
  value,
  formAction,
}: {
  children: ReactNode;
  pendingText?: string;
  variant?: ButtonVariant;
  name?: string;
  value?: string;
  formAction?: (data: FormData) => void;
}) {
  const { pending } = useFormStatus();
  const preservingFormPending = useContext(PreservingFormPendingContext);
  return (
    <PendingButton
      pending={pending || preservingFormPending}
      pendingText={pendingText}
      variant={variant}
      name={name}
      value={value}
      formAction={formAction}
    >
      {children}
    </PendingButton>
  );
}

/** A submit button whose `pending` the caller knows (from useActionState). */
export function PendingButton({
  pending,
  pendingText,
  children,
  variant = "primary",
  ...button
}: {
  pending: boolean;
  pendingText: string;
  children: ReactNode;
  variant?: ButtonVariant;
  name?: string;
  value?: string;
  formAction?: (data: FormData) => void;
}) {
  return (
    <button type="submit" {...button} disabled={pending} aria-disabled={pending} className={buttonClass(variant)}>
      {pending ? pendingText : children}
    </button>
  );
}
