"use client";

import { startTransition, useEffect, useRef, type FormHTMLAttributes, type ReactNode } from "react";
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
  children,
  ...rest
}: {
  action: (data: FormData) => void;
  state: ActionState;
  children: ReactNode;
} & Omit<FormHTMLAttributes<HTMLFormElement>, "action" | "onSubmit">) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === "success") form.current?.reset();
  }, [state]);
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
      {children}
    </form>
  );
}

const VARIANTS = {
  primary: "bg-blue-700 text-white hover:bg-blue-800",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-100",
} as const;

/** The submit button of a PreservingForm: `pending` comes from useActionState. */
export function PendingButton(props: {
  pending: boolean;
  pendingText: string;
  children: ReactNode;
  variant?: keyof typeof VARIANTS;
}) {
  return (
    <button
      type="submit"
      disabled={props.pending}
      aria-disabled={props.pending}
      className={`rounded-md px-4 py-2 font-semibold disabled:opacity-60 ${VARIANTS[props.variant ?? "primary"]}`}
    >
      {props.pending ? props.pendingText : props.children}
    </button>
  );
}
