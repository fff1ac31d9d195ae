import type { ActionState } from "@/lib/http/action-state";

/** The form-level result of a server action, announced to screen readers. */
export function FormStatus({ state }: { state: ActionState }) {
  if (state.status === "idle") return null;
  const tone =
    state.status === "success"
      ? "border-green-200 bg-green-50 text-green-900"
      : "border-red-200 bg-red-50 text-red-900";
  return (
    <p role={state.status === "error" ? "alert" : "status"} className={`rounded-md border p-3 ${tone}`}>
      {state.message}
    </p>
  );
}

/** The reason beside a field; link it with aria-describedby={fieldErrorId(name)}. */
export function FieldError({ state, name }: { state: ActionState; name: string }) {
  return <FieldMessage name={name} message={fieldErrorMessage(state, name)} state={state} />;
}

/**
 * The reason a field was refused, with the id its control points at. When the form's banner
 * already says the same words, it is shown once (in the banner) and kept here for screen readers
 * only, so the field's `aria-describedby` still names it.
 */
export function FieldMessage({
  name,
  message,
  state,
}: {
  name: string;
  message: string | undefined;
  state?: ActionState;
}) {
  if (!message) return null;
  const inBanner = state?.status === "error" && state.message === message;
  return (
    <p id={fieldErrorId(name)} className={inBanner ? "sr-only" : "mt-1 text-sm font-medium text-red-800"}>
      {message}
    </p>
  );
}

export function fieldErrorId(name: string): string {
  return `${name}-error`;
}

export function fieldErrorMessage(state: ActionState, name: string): string | undefined {
  return state.status === "error" ? state.fieldErrors[name] : undefined;
}

/** aria-invalid and aria-describedby for a control the last submission refused. */
export function invalidProps(state: ActionState, name: string) {
  return fieldErrorMessage(state, name) ? { "aria-invalid": true, "aria-describedby": fieldErrorId(name) } : {};
}
