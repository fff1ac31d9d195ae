import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { requirePerson } from "@/lib/subjects/require-person";
import { DeleteAccountForm } from "./delete-account-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Delete my account" };

export default definePage({ role: "user", returnTo: "/me/delete" }, async function DeleteAccountPage({ actor }) {
  await requirePerson(actor, "/me/delete", { gate: false });
  return (
    <section className="mx-auto max-w-xl rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">Delete my account</h1>
      <ul className="mt-4 list-disc space-y-2 pl-6 text-slate-700">
        <li>Every consent you have given is withdrawn.</li>
        <li>Your email address and name are destroyed: nobody, including us, can read or find them again.</li>
        <li>
          Your sign-in account is deleted. The same address can sign up again later, as a new account with none of your
          past decisions.
        </li>
        <li>
          The record of your past decisions stays, without your name or email, as proof that we asked for your consent.
        </li>
      </ul>
      <p className="mt-4 text-slate-700">
        Want a copy first?{" "}
        <a className="font-medium text-blue-800 underline" href="/me/data">
          Download your data
        </a>
        .
      </p>
      <DeleteAccountForm idempotencyKey={randomUUID()} />
    </section>
  );
});
