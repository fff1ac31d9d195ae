"use client";

import { useEffect } from "react";

/**
 * The title of an error page (403, 404). `forbidden()` and `notFound()` render inside a page whose
 * own metadata title (e.g. "Compliance search") would otherwise name a page the person cannot see.
 */
export function ErrorPageTitle({ title }: { title: string }) {
  const full = `${title} | Consent Portal`;
  useEffect(() => {
    document.title = full;
  }, [full]);
  return <title>{full}</title>;
}
