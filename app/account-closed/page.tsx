import Link from "next/link";
import type { Metadata } from "next";
import { ACCOUNT_ENDINGS, type AccountEnding } from "@/lib/auth/account-closed";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Your account has ended" };

const ENDINGS: Record<AccountEnding, { title: string; happened: string[]; remains: string }> = {
  deleted: {
    title: "Your account was deleted",
    happened: [
      "Every consent you had given was withdrawn.",
      "Your email address and name were destroyed: nobody, including us, can read or find them again.",
      "You are signed out, and signing in with this account is no longer possible.",
    ],
    remains:
      "The record of your past decisions (what you agreed to or withdrew, when, and under which version of our " +
      "documents) stays, without your name or email, as proof that we asked for your consent. It can no longer be " +
      "linked to you.",
  },
  closed: {
    title: "Your account is closed",
    happened: [
      "You did not accept the Terms of Service, so every consent you had given is withdrawn.",
      "You are signed out, and signing in with this account is refused.",
    ],
    remains:
      "The record of your decisions stays as proof that we asked for your consent, with your email address, so " +
      "that we can answer you about it. To have your email address and name destroyed as well, write to us.",
  },
};

/** Where people land after deleting or closing their account: what happened and what remains. */
export default async function AccountClosedPage({ searchParams }: { searchParams: Promise<{ state?: unknown }> }) {
  const { state } = await searchParams;
  // The ending travels as the logout `state`; only the two known values choose a text.
  const ending = ENDINGS[ACCOUNT_ENDINGS.find((value) => value === state) ?? "closed"];
  const contact = env().CONTROLLER_EMAIL;
  return (
    <section className="mx-auto max-w-xl rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">{ending.title}</h1>
      <h2 className="mt-6 text-lg font-semibold">What happened</h2>
      <ul className="mt-2 list-disc space-y-2 pl-6 text-slate-700">
        {ending.happened.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <h2 className="mt-6 text-lg font-semibold">What remains</h2>
      <p className="mt-2 text-slate-700">{ending.remains}</p>
      <p className="mt-4 text-slate-700">
        Receipts you downloaded earlier stay valid: anyone can{" "}
        <a className="font-medium text-blue-800 underline" href="/verify">
          check a receipt
        </a>
        .
      </p>
      <h2 className="mt-6 text-lg font-semibold">Questions</h2>
      <p className="mt-2 text-slate-700">
        Write to our privacy team at{" "}
        <a className="font-medium break-all text-blue-800 underline" href={`mailto:${contact}`}>
          {contact}
        </a>
        .
      </p>
      <Link href="/" className="mt-6 inline-block font-medium text-blue-800 underline">
        Back to the home page
      </Link>
    </section>
  );
}
