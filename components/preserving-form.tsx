"use client";

import { createContext, useEffect, useRef, useTransition, type FormHTMLAttributes, type ReactNode } from "react";
import type { ActionState } from "@/lib/http/action-state";

/**
 * A form for a server action (`useActionState`) that keeps what was chosen and typed when the
 * action refuses it. React resets a form after its action whatever the outcome, which would make
 * someone re-enter a long reason to fix one field; here the action is dispatched in a transition
 * (no automatic reset) and the form is cleared only after a success. Before hydration the form
 * still posts natively to the action.
 */
export function PreservingForm({
  action,
  state,
  resetOnSuccess = true,
  children,
  ...rest
}: {
  action: (data: FormData) => void;
  state: ActionState;
  /** False for forms whose choices stay useful after success (e.g. an export's filters). */
  resetOnSuccess?: boolean;
  children: ReactNode;
} & Omit<FormHTMLAttributes<HTMLFormElement>, "action" | "onSubmit">) {
  const form = useRef<HTMLFormElement>(null);
  const [pending, startTransition] = useTransition();
  useEffect(() => {
    if (resetOnSuccess && state.status === "success") form.current?.reset();
  }, [state, resetOnSuccess]);
  return (
    <form
      ref={form}
      action={action}
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget, event.nativeEvent.submitter);
        startTransition(() => action(data));
      }}
      {...rest}
    >
      <PreservingFormPending value={pending}>{children}</PreservingFormPending>
    </form>
  );
}

/** Whether a PreservingForm's action is running (useFormStatus sees only native submissions). */
export const PreservingFormPendingContext = createContext(false);
const PreservingFormPending = PreservingFormPendingContext.Provider;
