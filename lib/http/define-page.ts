import "server-only";
import type { ReactNode } from "react";
import type { Actor } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/roles";
import { requireSessionActor } from "@/lib/auth/viewer";

type SearchParams = Record<string, string | string[] | undefined>;

export interface PageInput<P, S> {
  actor: Actor;
  params: Promise<P>;
  searchParams: Promise<S>;
}

/**
 * The one wrapper for pages: signed-out visitors are sent to sign in (and back to `returnTo`),
 * the wrong role gets 403, and the page renders with its Actor. `returnTo` is a function of the
 * route params for dynamic pages (a server component cannot read its own URL).
 */
export function definePage<P = Record<string, never>, S = SearchParams>(
  options: { role: Role; returnTo: string | ((params: P) => string) },
  render: (input: PageInput<P, S>) => Promise<ReactNode>,
) {
  return async function Page(props: { params: Promise<P>; searchParams: Promise<S> }) {
    const returnTo = typeof options.returnTo === "function" ? options.returnTo(await props.params) : options.returnTo;
    const actor = await requireSessionActor(options.role, returnTo);
    return render({ actor, params: props.params, searchParams: props.searchParams });
  };
}
