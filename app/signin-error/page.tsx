import Link from "next/link";
import type { Metadata } from "next";
import { parseSignInErrorCode, type SignInErrorCode } from "@/lib/auth/sign-in-error-code";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign-in failed" };

/** Fixed texts only: nothing from the URL is displayed (security review L7). */
const MESSAGES: Record<SignInErrorCode, { problem: string; next: string }> = {
  account_closed: {
    problem: "This account is closed: it was deleted, or the Terms of Service were withdrawn.",
    next: "If you think this is a mistake, or want to know what we still hold about you, write to our privacy team.",
  },
  failed: {
    problem: "Signing in did not complete.",
    next: "Try again. If it keeps failing, write to our privacy team.",
  },
};

export default async function SignInErrorPage({ searchParams }: { searchParams: Promise<{ code?: unknown }> }) {
  const { code } = await searchParams;
  const message = MESSAGES[parseSignInErrorCode(code)];
  const contact = env().CONTROLLER_EMAIL;
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">You could not be signed in</h1>
      <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-red-900">
        {message.problem}
      </p>
      <p className="mt-4 text-slate-700">
        {message.next} Address:{" "}
        <a className="font-medium break-all text-blue-800 underline" href={`mailto:${contact}`}>
          {contact}
        </a>
        .
      </p>
      <p className="mt-6 flex flex-wrap gap-4">
        <a href="/auth/login" className="font-medium text-blue-800 underline">
          Try signing in again
        </a>
        <Link href="/" className="font-medium text-blue-800 underline">
          Back to the home page
        </Link>
      </p>
    </section>
  );
}
