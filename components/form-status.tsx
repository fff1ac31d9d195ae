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
  const message = state.status === "error" ? state.fieldErrors[name] : undefined;
  if (!message) return null;
  return (
    <p id={fieldErrorId(name)} className="mt-1 text-sm font-medium text-red-800">
      {message}
    </p>
  );
}

export function fieldErrorId(name: string): string {
  return `${name}-error`;
}

export function hasFieldError(state: ActionState, name: string): boolean {
  return state.status === "error" && Boolean(state.fieldErrors[name]);
}
