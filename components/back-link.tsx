import Link from "next/link";
import type { ReactNode } from "react";

/** The way up to the list a page belongs to. */
export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <p>
      <Link href={href} className="text-sm font-medium text-blue-800 underline">
        {children}
      </Link>
    </p>
  );
}
