import type { ReactNode } from "react";

/** A white card that is a section of its page, named by its heading (`#<id>-heading`). */
export function Panel({
  id,
  title,
  description,
  className = "",
  children,
}: {
  id: string;
  title: ReactNode;
  /** A line under the heading. */
  description?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`} className={`rounded-xl bg-white p-6 shadow-sm ${className}`}>
      <h2 id={`${id}-heading`} className="text-lg font-semibold">
        {title}
      </h2>
      {description && <p className="mt-1 max-w-prose text-sm text-slate-600">{description}</p>}
      {children}
    </section>
  );
}
