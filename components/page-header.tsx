import type { ReactNode } from "react";

/** The page's h1 and the paragraph that says what the page is for. */
export function PageHeader({ title, intro, children }: { title: ReactNode; intro?: ReactNode; children?: ReactNode }) {
  return (
    <header>
      <h1 className="text-2xl font-bold">{title}</h1>
      {intro && <p className="mt-2 max-w-prose text-slate-700">{intro}</p>}
      {children}
    </header>
  );
}
