import Link from "next/link";
import type { ReactNode } from "react";
import { hasRole } from "@/lib/auth/roles";
import { getViewer } from "@/lib/auth/viewer";

const linkClass = "rounded px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 hover:text-blue-800";

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
          <Link href="/compliance" className={linkClass}>
            Search
          </Link>
          <Link href="/compliance/integrity" className={linkClass}>
            Ledger integrity
          </Link>
          <Link href="/compliance/access-log" className={linkClass}>
            Access log
          </Link>
          <Link href="/compliance/api-tokens" className={linkClass}>
            API tokens
          </Link>
        </nav>
      )}
      {children}
    </div>
  );
}
