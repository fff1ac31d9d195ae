const VARIANTS = {
  primary: "bg-blue-700 text-white hover:bg-blue-800",
  secondary: "border border-slate-300 bg-white text-slate-900 hover:bg-slate-100",
  danger: "bg-red-700 text-white hover:bg-red-800",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;

/** The classes of a form button; every button in the portal looks like one of these. */
export function buttonClass(variant: ButtonVariant = "primary"): string {
  return `rounded-md px-4 py-2 font-semibold disabled:opacity-60 ${VARIANTS[variant]}`;
}
