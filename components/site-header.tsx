import Link from "next/link";
import { getViewer } from "@/lib/auth/viewer";

export async function SiteHeader() {
  const viewer = await getViewer();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-blue-800">
          Consent Portal
        </Link>
        <nav aria-label="Account" className="flex items-center gap-4 text-sm">
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
            <a
              href="/auth/login"
              className="rounded-md bg-blue-700 px-3 py-1.5 font-medium text-white hover:bg-blue-800"
            >
              Sign in
            </a>
          )}
        </nav>
      </div>
    </header>
  );
}
