import { NavLink } from "@/components/nav-link";
import type { ReactNode } from "react";
import { hasRole } from "@/lib/auth/roles";
import { getViewer } from "@/lib/auth/viewer";

const linkClass = "rounded px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 hover:text-blue-800";
const currentLinkClass = "rounded bg-slate-100 px-2 py-1 font-semibold text-blue-900 underline underline-offset-4";

const LINKS: Array<{ href: string; label: string; exact?: boolean; alsoFor?: string[] }> = [
  // A subject page is reached from the search.
  { href: "/compliance", label: "Search", exact: true, alsoFor: ["/compliance/subjects"] },
  { href: "/compliance/integrity", label: "Ledger integrity" },
  { href: "/compliance/access-log", label: "Access log" },
  { href: "/compliance/api-tokens", label: "API tokens" },
];

/** The workspace's own navigation. Every page below checks the role itself (definePage). */
export default async function ComplianceLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  return (
    <div>
      {viewer && hasRole(viewer.roles, "compliance") && (
        <nav
          aria-label="Compliance workspace"
          className="mb-6 flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm"
        >
          {LINKS.map((link) => (
            <NavLink
              key={link.href}
              href={link.href}
              exact={link.exact}
              alsoFor={link.alsoFor}
              className={linkClass}
              currentClassName={currentLinkClass}
            >
              {link.label}
            </NavLink>
          ))}
        </nav>
      )}
      {children}
    </div>
  );
}
