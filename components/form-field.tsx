import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";
import type { ActionState } from "@/lib/http/action-state";
import { FieldError, fieldErrorId, hasFieldError } from "./form-status";

export const inputClass = "mt-1 w-full rounded-md border border-slate-400 bg-white px-3 py-2";

/** aria-invalid and aria-describedby for a field the last submission refused. */
export function invalidProps(state: ActionState, name: string) {
  return hasFieldError(state, name) ? { "aria-invalid": true, "aria-describedby": fieldErrorId(name) } : {};
}

/** A labelled input with an optional hint and the reason it was refused. */
export function TextField({
  state,
  name,
  label,
  hint,
  id = name,
  ...input
}: { state: ActionState; name: string; label: ReactNode; hint?: ReactNode; id?: string } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "name" | "id"
>) {
  const hintId = hint ? `${id}-hint` : undefined;
  const invalid = invalidProps(state, name);
  return (
    <div>
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      <input
        id={id}
        name={name}
        className={inputClass}
        {...input}
        {...invalid}
        {...(hintId && !("aria-describedby" in invalid) ? { "aria-describedby": hintId } : {})}
      />
      {hint && (
        <p id={hintId} className="mt-1 text-sm text-slate-600">
          {hint}
        </p>
      )}
      <FieldError state={state} name={name} />
    </div>
  );
}

/** A labelled multi-line text field. */
export function TextAreaField({
  state,
  name,
  label,
  id = name,
  ...textarea
}: { state: ActionState; name: string; label: ReactNode; id?: string } & Omit<
  TextareaHTMLAttributes<HTMLTextAreaElement>,
  "name" | "id"
>) {
  return (
    <div>
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      <textarea id={id} name={name} className={inputClass} {...textarea} {...invalidProps(state, name)} />
      <FieldError state={state} name={name} />
    </div>
  );
}
