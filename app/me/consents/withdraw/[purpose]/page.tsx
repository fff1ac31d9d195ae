import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePerson } from "@/lib/subjects/require-person";
import { readWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
import { ConfirmWithdrawalForm } from "./confirm-withdrawal-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Withdraw or decline a required consent" };

export default definePage<{ purpose: string }>(
  { role: "user", returnTo: ({ purpose }) => `/me/consents/withdraw/${purpose}` },
  async function ConfirmWithdrawalPage({ actor, params }) {
    const { purpose: key } = await params;
    const { status } = await requirePerson(actor, `/me/consents/withdraw/${key}`, { gate: false });
    const row = status.purposes.find((candidate) => candidate.purpose.key === key && candidate.purpose.required);
    if (!row) notFound();
    const policy = await readWithdrawalPolicy();
    const consequence =
      policy.onRequiredWithdrawal === "delete"
        ? "Your account will be deleted. You will be signed out and will not be able to sign in again."
        : "Your account will be deactivated. You will be signed out and signing in again will be refused.";
    // Someone who never agreed (a first visit to the gate) declines: there is nothing to withdraw.
    const declining = row.status !== "granted";
    return (
      <section className="mx-auto max-w-xl rounded-xl bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold">
          {declining ? `Decline “${row.purpose.title}”?` : `Withdraw “${row.purpose.title}”?`}
        </h1>
        <p className="mt-3 text-slate-700">
          {declining
            ? "You have not agreed to it yet. It is required to use the service, so declining closes your account."
            : "This consent is required to use the service, so withdrawing it closes your account."}
        </p>
        <p
          className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 font-medium text-amber-950"
          data-testid="consequence"
        >
          {consequence}
        </p>
        <p className="mt-3 text-slate-700">
          {declining
            ? "We keep a record that you declined, without any other decision, so that we can show we asked."
            : "The record of your past decisions stays in our ledger, as the law requires us to be able to prove them."}
        </p>
        <ConfirmWithdrawalForm purpose={row.purpose.key} idempotencyKey={randomUUID()} declining={declining} />
      </section>
    );
  },
);
