import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import type { ActionState } from "@/lib/http/action-state";
import { fieldErrorId, fieldErrorMessage, FieldMessage } from "./form-status";

const controlClass =
  "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-slate-900 disabled:bg-slate-100 aria-[invalid=true]:border-red-700";

/** What a Field hands its control: the id, the look, and the links to its hint and error. */
interface ControlProps {
  id: string;
  className: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

export interface FieldProps {
  /** The form field's name; its error is `#<name>-error`. */
  name: string;
  /** The control's id, when it is not the name. */
  id?: string;
  label: ReactNode;
  hint?: ReactNode;
  /** Why the field was refused: given as text (a GET form), or read from a server action's state. */
  error?: string;
  state?: ActionState;
  /** Classes of the wrapper, e.g. a grid span. */
  className?: string;
}

/** A labelled control with its hint and its error, linked for screen readers. */
function Field({
  name,
  id = name,
  label,
  hint,
  error,
  state,
  className,
  children,
}: FieldProps & { children: (control: ControlProps) => ReactNode }) {
  const message = error ?? (state ? fieldErrorMessage(state, name) : undefined);
  const hintId = hint ? `${id}-hint` : undefined;
  const describedBy = [hintId, message ? fieldErrorId(name) : undefined].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={id} className="block font-medium text-slate-800">
        {label}
      </label>
      {children({
        id,
        className: controlClass,
        "aria-describedby": describedBy || undefined,
        "aria-invalid": message ? true : undefined,
      })}
      {hint && (
        <p id={hintId} className="mt-1 text-sm text-slate-600">
          {hint}
        </p>
      )}
      <FieldMessage name={name} message={message} state={state} />
    </div>
  );
}

type Native<T> = Omit<T, "name" | "id" | "className" | "children">;

/** Separates a field's own props from those of its native control. */
function splitField<P extends FieldProps>({ name, id, label, hint, error, state, className, ...control }: P) {
  return [{ name, id, label, hint, error, state, className }, control] as const;
}

/** A labelled single-line input; `inputClassName` adds to the control's look. */
export function TextInput(
  props: FieldProps & { inputClassName?: string } & Native<InputHTMLAttributes<HTMLInputElement>>,
) {
  const [field, { inputClassName = "", ...input }] = splitField(props);
  return (
    <Field {...field}>
      {(control) => (
        <input name={field.name} {...input} {...control} className={`${control.className} ${inputClassName}`} />
      )}
    </Field>
  );
}

/** A labelled multi-line input. */
export function TextArea(
  props: FieldProps & { inputClassName?: string } & Native<TextareaHTMLAttributes<HTMLTextAreaElement>>,
) {
  const [field, { inputClassName = "", ...textarea }] = splitField(props);
  return (
    <Field {...field}>
      {(control) => (
        <textarea name={field.name} {...textarea} {...control} className={`${control.className} ${inputClassName}`} />
      )}
    </Field>
  );
}

/** A labelled drop-down: `options`, after an optional `emptyOption` (value ""), then any children. */
export function SelectInput(
  props: FieldProps & {
    options?: ReadonlyArray<{ value: string; label: string }>;
    emptyOption?: string;
    children?: ReactNode;
  } & Native<SelectHTMLAttributes<HTMLSelectElement>>,
) {
  const [field, { options = [], emptyOption, children, ...select }] = splitField(props);
  return (
    <Field {...field}>
      {(control) => (
        <select name={field.name} {...select} {...control}>
          {emptyOption !== undefined && <option value="">{emptyOption}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
          {children}
        </select>
      )}
    </Field>
  );
}

/** A checkbox with its label beside it, an optional hint below, and the reason it was refused. */
export function CheckboxField({
  name,
  id = name,
  label,
  hint,
  error,
  state,
  className,
  ...input
}: FieldProps & Native<InputHTMLAttributes<HTMLInputElement>>) {
  const message = error ?? (state ? fieldErrorMessage(state, name) : undefined);
  const hintId = hint ? `${id}-hint` : undefined;
  const describedBy = [hintId, message ? fieldErrorId(name) : undefined].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <div className="flex items-start gap-3">
        <input
          id={id}
          name={name}
          type="checkbox"
          className="mt-1 h-5 w-5 shrink-0 aria-[invalid=true]:outline-2 aria-[invalid=true]:outline-offset-2 aria-[invalid=true]:outline-red-700"
          aria-describedby={describedBy || undefined}
          aria-invalid={message ? true : undefined}
          {...input}
        />
        <label htmlFor={id} className={hint ? "font-medium" : undefined}>
          {label}
        </label>
      </div>
      {hint && (
        <p id={hintId} className="mt-1 text-sm text-slate-600">
          {hint}
        </p>
      )}
      <FieldMessage name={name} message={message} state={state} />
    </div>
  );
}

/** One choice among a few, each with an optional line that explains it, and why it was refused. */
export function RadioGroup({
  name,
  legend,
  options,
  defaultValue,
  state,
}: {
  name: string;
  legend: ReactNode;
  options: ReadonlyArray<{ value: string; label: ReactNode; hint?: ReactNode }>;
  defaultValue?: string;
  state?: ActionState;
}) {
  const message = state ? fieldErrorMessage(state, name) : undefined;
  return (
    <fieldset aria-describedby={message ? fieldErrorId(name) : undefined}>
      <legend className="font-semibold">{legend}</legend>
      <div className="mt-3 space-y-3">
        {options.map((option) => {
          const id = `${name}-${option.value}`;
          return (
            <div key={option.value} className="flex items-start gap-3">
              <input
                id={id}
                type="radio"
                name={name}
                value={option.value}
                defaultChecked={defaultValue === option.value}
                className="mt-1 h-5 w-5"
                aria-describedby={option.hint ? `${id}-hint` : undefined}
              />
              <div>
                <label htmlFor={id} className="font-medium">
                  {option.label}
                </label>
                {option.hint && (
                  <p id={`${id}-hint`} className="text-sm text-slate-600">
                    {option.hint}
                  </p>
                )}
              </div>
            </div>
          );
        })}
      </div>
      <FieldMessage name={name} message={message} state={state} />
    </fieldset>
  );
}
