import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { readAdminChanges } from "@/lib/admin/read-admin-changes";
import { readStaffEmails } from "@/lib/auth/staff-directory";
import { StaffName } from "@/components/staff-name";
import { readWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
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
    const emails = await readStaffEmails(history.map((change) => change.actorId));
    return (
      <section className="space-y-6">
        <PageHeader
          title="Withdrawal policy"
          intro="Withdrawing a required consent (such as the Terms of Service) closes the person's account. Choose what happens to their Auth0 user. The choice applies to withdrawals from the moment you save it. “Delete my account” always deletes the Auth0 user: it is erasure."
        />
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <WithdrawalPolicyForm current={policy.onRequiredWithdrawal} />
        </div>
        <Panel id="history" title="Changes">
          {history.length === 0 ? (
            <p className="mt-2 text-slate-700">Never changed: the default is to flag the user.</p>
          ) : (
            <ol className="mt-3 space-y-1 text-sm" data-testid="withdrawal-policy-history">
              {history.map((change) => (
                <li key={change.id}>
                  {formatTime(change.at)}: <StaffName id={change.actorId} emails={emails} /> changed it from{" "}
                  <strong>{describe(change.before)}</strong> to <strong>{describe(change.after)}</strong>.
                </li>
              ))}
            </ol>
          )}
        </Panel>
      </section>
    );
  },
);
