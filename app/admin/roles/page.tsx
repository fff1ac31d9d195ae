import type { Metadata } from "next";
import type { StaffMember } from "@/lib/admin/auth0-user-roles";
import { listStaffMembers } from "@/lib/admin/list-staff-members";
import { readAdminChanges } from "@/lib/admin/read-admin-changes";
import { isAppError } from "@/lib/errors";
import { formatTime } from "../format";
import { GrantRoleForm, RevokeRoleForm } from "./role-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Roles" };

const roleList = (value: unknown) => (Array.isArray(value) && value.length ? value.join(", ") : "none");

export default definePage({ role: "admin", returnTo: "/admin/roles" }, async function RolesPage({ actor }) {
  let staff: StaffMember[] | null = null;
  try {
    staff = await listStaffMembers();
  } catch (error) {
    if (!isAppError(error, "upstream_unavailable")) throw error;
  }
  const history = await readAdminChanges(["role.grant", "role.revoke"], 30);
  const emails = new Map((staff ?? []).map((member) => [member.userId, member.email]));
  return (
    <section className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Roles</h1>
        <p className="mt-1 max-w-prose text-slate-700">
          Staff roles live in Auth0, in each user&apos;s <code>app_metadata.roles</code>. The portal reads them from the
          ID token at sign-in, so <strong>a change takes effect the next time the person signs in</strong>. The last
          admin cannot remove their own admin role.
        </p>
      </div>
      <section aria-labelledby="staff-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <h2 id="staff-heading" className="text-lg font-semibold">
          Staff
        </h2>
        {staff === null ? (
          <p role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 p-3 text-red-900">
            Auth0 did not answer, so the staff list cannot be shown. Try again in a moment.
          </p>
        ) : (
          <div className="mt-3 overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <thead className="bg-slate-100">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Person
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Roles
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Change
                  </th>
                </tr>
              </thead>
              <tbody>
                {staff.map((member) => {
                  const who = member.email ?? member.userId;
                  return (
                    <tr key={member.userId} className="border-t border-slate-200 align-top" data-testid="staff-member">
                      <th scope="row" className="px-3 py-2 font-normal">
                        <span className="font-medium">{who}</span>
                        {member.userId === actor.id && <span className="text-slate-600"> (you)</span>}
                        <span className="block text-xs text-slate-600">{member.userId}</span>
                      </th>
                      <td className="px-3 py-2">{member.roles.join(", ")}</td>
                      <td className="flex flex-wrap gap-3 px-3 py-2">
                        {member.roles.map((role) => (
                          <RevokeRoleForm key={role} userId={member.userId} role={role} who={who} />
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="grant-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <h2 id="grant-heading" className="text-lg font-semibold">
          Grant a role
        </h2>
        <div className="mt-4 max-w-xl">
          <GrantRoleForm />
        </div>
      </section>
      <section aria-labelledby="role-history-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <h2 id="role-history-heading" className="text-lg font-semibold">
          Changes
        </h2>
        {history.length === 0 ? (
          <p className="mt-2 text-slate-700">No role changes made through the portal yet.</p>
        ) : (
          <ol className="mt-3 space-y-1 text-sm">
            {history.map((change) => (
              <li key={change.id}>
                {formatTime(change.at)}: {emails.get(change.actorId) ?? change.actorId}{" "}
                {change.action === "role.grant" ? "granted" : "revoked"} a role of{" "}
                {emails.get(change.target ?? "") ?? change.target}: roles {roleList(change.before)} →{" "}
                {roleList(change.after)}.
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
});
