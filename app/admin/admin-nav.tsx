"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/purposes", label: "Purposes" },
  { href: "/admin/policies", label: "Policies" },
  { href: "/admin/withdrawal-policy", label: "Withdrawal policy" },
  { href: "/admin/roles", label: "Roles" },
  { href: "/admin/exports", label: "Exports" },
  { href: "/admin/auth0-export", label: "Auth0 export" },
  { href: "/admin/imports", label: "Legacy import" },
  { href: "/admin/api-clients", label: "API clients" },
  { href: "/admin/webhooks", label: "Webhooks" },
] as const;

/** The admin console's sections; the current one is marked for assistive technology. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin console" className="mb-6 border-b border-slate-200 pb-3">
      <ul className="flex flex-wrap gap-x-4 gap-y-2 text-sm">
        {LINKS.map((link) => {
          const current = link.href === "/admin" ? pathname === "/admin" : pathname.startsWith(link.href);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={current ? "page" : undefined}
                className={
                  current
                    ? "rounded px-1 font-semibold text-blue-900 underline underline-offset-4"
                    : "rounded px-1 font-medium text-slate-700 hover:text-blue-800 hover:underline"
                }
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
