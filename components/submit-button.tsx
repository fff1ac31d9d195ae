"use client";

import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";

const VARIANTS = {
  primary: "bg-blue-700 text-white hover:bg-blue-800",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-100",
  danger: "bg-red-700 text-white hover:bg-red-800",
} as const;

/** A submit button that says it is working while its form is pending. */
export function SubmitButton({
  children,
  pendingText = "Saving…",
  variant = "primary",
  name,
  value,
}: {
  children: ReactNode;
  pendingText?: string;
  variant?: keyof typeof VARIANTS;
  name?: string;
  value?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      name={name}
      value={value}
      disabled={pending}
      aria-disabled={pending}
      className={`rounded-md px-4 py-2 font-semibold disabled:opacity-60 ${VARIANTS[variant]}`}
    >
      {pending ? pendingText : children}
    </button>
  );
}
