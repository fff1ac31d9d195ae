import Link from "next/link";
import { hasRole } from "@/lib/auth/roles";
import { getViewer } from "@/lib/auth/viewer";

const linkClass = "rounded px-1 font-medium text-slate-700 hover:text-blue-800 hover:underline";

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
            <Link href="/me/consents" className={linkClass}>
              My consents
            </Link>
            <Link href="/me/history" className={linkClass}>
              History
            </Link>
            <Link href="/me/data" className={linkClass}>
              My data
            </Link>
            {hasRole(viewer.roles, "compliance") && (
              <Link href="/compliance" className={linkClass}>
                Compliance
              </Link>
            )}
            {hasRole(viewer.roles, "admin") && (
              <Link href="/admin" className={linkClass}>
                Admin
              </Link>
            )}
          </nav>
        )}
        <div className="flex items-center gap-4 text-sm">
          {viewer ? (
            <>
              <span className="text-slate-600">{viewer.email}</span>
              {/* /auth/* are route handlers in proxy.ts, so plain links, not <Link>. */}
              <a
                href="/auth/logout"
                className="rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100"
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
