import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePerson } from "@/lib/subjects/require-person";
import { readWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
import { ConfirmWithdrawalForm } from "./confirm-withdrawal-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Withdraw a required consent" };

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
    return (
      <section className="mx-auto max-w-xl rounded-xl bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-bold">Withdraw “{row.purpose.title}”?</h1>
        <p className="mt-3 text-slate-700">
          This consent is required to use the service, so withdrawing it closes your account.
        </p>
        <p
          className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 font-medium text-amber-950"
          data-testid="consequence"
        >
          {consequence}
        </p>
        <p className="mt-3 text-slate-700">
          The record of your past decisions stays in our ledger, as the law requires us to be able to prove them.
        </p>
        <ConfirmWithdrawalForm purpose={row.purpose.key} idempotencyKey={randomUUID()} />
      </section>
    );
  },
);
