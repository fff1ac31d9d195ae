import type { ReactNode } from "react";

const TONES = {
  error: "border-red-200 bg-red-50 text-red-900",
  warning: "border-amber-300 bg-amber-50 text-amber-950",
  success: "border-green-200 bg-green-50 text-green-900",
  info: "border-sky-200 bg-sky-50 text-sky-950",
  neutral: "border-slate-300 bg-slate-50 text-slate-800",
} as const;

/** A boxed message; `role` makes it announced (`alert` for problems, `status` for outcomes). */
export function Notice({
  tone,
  role,
  id,
  className = "",
  children,
}: {
  tone: keyof typeof TONES;
  role?: "alert" | "status";
  id?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <p id={id} role={role} className={`rounded-md border p-3 ${TONES[tone]} ${className}`}>
      {children}
    </p>
  );
}
