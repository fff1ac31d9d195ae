import Link from "next/link";
import type { Metadata } from "next";
import { getViewer, requireSessionActor } from "@/lib/auth/viewer";
import { readRequestContext } from "@/lib/http/request-context";
import { recordEmailVerification } from "@/lib/identity/record-email-verification";

export const metadata: Metadata = { title: "Email address verification" };

/**
 * Where Auth0's verification link redirects (its `result_url`, ADR 040). Nothing in the URL is
 * believed or displayed (security review L7): the portal asks Auth0 whether the address is
 * verified, and says so in fixed words.
 */
export default async function EmailVerifiedPage({ searchParams }: { searchParams: Promise<{ email?: unknown }> }) {
  const { email } = await searchParams;
  const viewer = await getViewer();
  const actor = viewer ? await requireSessionActor("user", "/email-verified") : null;
  const hint = typeof email === "string" ? email : undefined;
  const result = await recordEmailVerification({ email: hint, context: await readRequestContext() }, actor);
  if (!result.verified) {
    return (
      <section className="rounded-xl bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold">Your email address is not verified yet</h1>
        <p role="alert" className="mt-4 rounded-md border border-amber-200 bg-amber-50 p-3 text-amber-900">
          We could not confirm your address. The link may have expired or been used already.
        </p>
        <p className="mt-4 text-slate-700">
          {viewer ? (
            <>
              Ask for a new link on{" "}
              <Link className="font-medium text-blue-800 underline" href="/me/consents">
                My consents
              </Link>
              .
            </>
          ) : (
            <>
              <a className="font-medium text-blue-800 underline" href="/auth/login?returnTo=%2Fme%2Fconsents">
                Sign in
              </a>{" "}
              to ask for a new link.
            </>
          )}
        </p>
      </section>
    );
  }
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">Your email address is verified</h1>
      <div
        role="status"
        className="mt-4 rounded-md border border-green-200 bg-green-50 p-3 text-green-900"
        data-testid="email-verified-status"
      >
        {result.confirmed.length > 0 ? (
          <>
            <p>Thank you. The consents you asked for are now given:</p>
            <ul className="mt-2 list-disc pl-6">
              {result.confirmed.map((purpose) => (
                <li key={purpose.key}>{purpose.title}</li>
              ))}
            </ul>
          </>
        ) : (
          <p>Thank you: we now know this address is yours.</p>
        )}
      </div>
      <p className="mt-4 text-slate-700">
        {viewer ? (
          <Link className="font-medium text-blue-800 underline" href="/me/consents">
            See or change my consents
          </Link>
        ) : (
          <a className="font-medium text-blue-800 underline" href="/auth/login?returnTo=%2Fme%2Fconsents">
            Sign in to see your consents
          </a>
        )}
      </p>
    </section>
  );
}
