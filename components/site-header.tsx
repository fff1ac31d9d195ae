import Link from "next/link";
import { hasRole } from "@/lib/auth/roles";
import { getViewer } from "@/lib/auth/viewer";
import { NavLink } from "./nav-link";

const linkClass = "rounded px-1 font-medium text-slate-700 hover:text-blue-800 hover:underline";
const currentLinkClass = "rounded px-1 font-semibold text-blue-900 underline underline-offset-4";

const LINKS: Array<{ href: string; label: string; role?: "compliance" | "admin" }> = [
  { href: "/me/consents", label: "My consents" },
  { href: "/me/history", label: "History" },
  { href: "/me/data", label: "My data" },
  { href: "/compliance", label: "Compliance", role: "compliance" },
  { href: "/admin", label: "Admin", role: "admin" },
];

export async function SiteHeader() {
  const viewer = await getViewer();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-blue-800">
          Consent Portal
        </Link>
        {viewer && (
          <nav aria-label="Main" className="flex flex-wrap items-center gap-3 text-sm">
            {LINKS.filter((link) => !link.role || hasRole(viewer.roles, link.role)).map((link) => (
              <NavLink key={link.href} href={link.href} className={linkClass} currentClassName={currentLinkClass}>
                {link.label}
              </NavLink>
            ))}
          </nav>
        )}
        <div className="flex min-w-0 items-center gap-4 text-sm">
          {viewer ? (
            <>
              <span className="min-w-0 text-slate-600">{viewer.email}</span>
              {/* /auth/* are route handlers in proxy.ts, so plain links, not <Link>. */}
              <a
                href="/auth/logout"
                className="shrink-0 rounded-md border border-slate-300 px-3 py-1.5 font-medium whitespace-nowrap hover:bg-slate-100"
              >
                Sign out
              </a>
            </>
          ) : (
            <>
              <Link href="/signup" className={linkClass}>
                Create an account
              </Link>
              <a
                href="/auth/login"
                className="rounded-md bg-blue-700 px-3 py-1.5 font-medium text-white hover:bg-blue-800"
              >
                Sign in
              </a>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
