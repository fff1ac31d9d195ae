import type { Metadata } from "next";
import { readAdminChanges } from "@/lib/admin/read-admin-changes";
import { readWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
import { formatTime } from "../format";
import { WithdrawalPolicyForm } from "./withdrawal-policy-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Withdrawal policy" };

const describe = (value: unknown) =>
  (value as { onRequiredWithdrawal?: string } | null)?.onRequiredWithdrawal === "delete" ? "delete" : "flag";

export default definePage(
  { role: "admin", returnTo: "/admin/withdrawal-policy" },
  async function WithdrawalPolicyPage() {
    const [policy, history] = await Promise.all([
      readWithdrawalPolicy(),
      readAdminChanges(["withdrawal_policy.update"], 50),
    ]);
    return (
      <section className="space-y-6">
        <div>
          <h1 className="text-2xl font-bold">Withdrawal policy</h1>
          <p className="mt-1 max-w-prose text-slate-700">
            Withdrawing a required consent (such as the Terms of Service) closes the person&apos;s account. Choose what
            happens to their Auth0 user. The choice applies to withdrawals and erasures from the moment you save it.
          </p>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <WithdrawalPolicyForm current={policy.onRequiredWithdrawal} />
        </div>
        <section aria-labelledby="history-heading" className="rounded-xl bg-white p-6 shadow-sm">
          <h2 id="history-heading" className="text-lg font-semibold">
            Changes
          </h2>
          {history.length === 0 ? (
            <p className="mt-2 text-slate-700">Never changed: the default is to flag the user.</p>
          ) : (
            <ol className="mt-3 space-y-1 text-sm" data-testid="withdrawal-policy-history">
              {history.map((change) => (
                <li key={change.id}>
                  {formatTime(change.at)}: {change.actorId} changed it from <strong>{describe(change.before)}</strong>{" "}
                  to <strong>{describe(change.after)}</strong>.
                </li>
              ))}
            </ol>
          )}
        </section>
      </section>
    );
  },
);
