"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** Whether `pathname` is at or below `href` (a whole segment: /admin does not match /administer). */
function isAtOrBelow(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * A navigation link that marks the page you are on (`aria-current="page"`, and visibly). It is
 * current at `href` and below it, unless `exact`; `alsoFor` names other sections it stands for.
 */
export function NavLink({
  href,
  exact = false,
  alsoFor = [],
  className,
  currentClassName,
  children,
}: {
  href: string;
  exact?: boolean;
  alsoFor?: string[];
  className: string;
  currentClassName: string;
  children: ReactNode;
}) {
  const pathname = usePathname();
  const current =
    (exact ? pathname === href : isAtOrBelow(pathname, href)) ||
    alsoFor.some((prefix) => isAtOrBelow(pathname, prefix));
  return (
    <Link href={href} aria-current={current ? "page" : undefined} className={current ? currentClassName : className}>
      {children}
    </Link>
  );
}
