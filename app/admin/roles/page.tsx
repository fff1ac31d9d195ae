import type { Metadata } from "next";
import { DataTable } from "@/components/data-table";
import { formatTime } from "@/components/format-time";
import { Notice } from "@/components/notice";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import type { StaffMember } from "@/lib/admin/auth0-user-roles";
import { listStaffMembers, readStaffMember } from "@/lib/admin/list-staff-members";
import { STAFF_ROLES } from "@/lib/admin/schemas";
import { readStaffEmails } from "@/lib/auth/staff-directory";
import { StaffName } from "@/components/staff-name";
import { readAdminChanges } from "@/lib/admin/read-admin-changes";
import { isAppError } from "@/lib/errors";
import { EndSessionsForm, GrantRoleForm, RevokeRoleForm } from "./role-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Roles" };

const roleList = (value: unknown) => (Array.isArray(value) && value.length ? value.join(", ") : "none");
const sessionCount = (value: unknown) =>
  typeof value === "object" && value !== null && "sessions" in value ? String(value.sessions) : "?";

type Search = Partial<Record<"revoked" | "user", string | string[]>>;

export default definePage<Record<string, never>, Search>(
  { role: "admin", returnTo: "/admin/roles" },
  async function RolesPage({ actor, searchParams }) {
    const search = await searchParams;
    let staff: StaffMember[] | null = null;
    try {
      staff = await listStaffMembers();
    } catch (error) {
      if (!isAppError(error, "upstream_unavailable")) throw error;
    }
    // After a revocation: the person as Auth0 holds them now, read directly (the search may lag),
    // and named from Auth0, never from the address.
    const revokedRole = STAFF_ROLES.find((role) => role === search.revoked);
    const changed = revokedRole && typeof search.user === "string" ? await readStaffMember(search.user) : null;
    if (staff && changed) {
      staff = staff.filter((member) => member.userId !== changed.userId);
      if (changed.roles.length > 0) staff.unshift(changed);
    }
    const history = await readAdminChanges(["role.grant", "role.revoke", "session.end"], 30);
    // Names from the staff directory (ADR 041), then from Auth0's staff list for anyone not in it yet.
    const emails = await readStaffEmails(history.flatMap((change) => [change.actorId, change.target]));
    for (const member of staff ?? [])
      if (member.email && !emails.has(member.userId)) emails.set(member.userId, member.email);
    return (
      <section className="space-y-6">
        <PageHeader
          title="Roles"
          intro={
            <>
              Staff roles live in Auth0, in each user&apos;s <code>app_metadata.roles</code>. Removing a role here{" "}
              <strong>signs the person out at once</strong>; a staff session follows the roles in Auth0 within a minute,
              and a new role reaches someone signed in as a person at their next sign-in. The last admin cannot remove
              their own admin role.
            </>
          }
        />
        {changed && revokedRole && (
          <Notice tone="success" role="status">
            {changed.email ?? changed.userId} no longer has the {revokedRole} role; their sessions have ended. Roles
            now: {changed.roles.length ? changed.roles.join(", ") : "none"}.
          </Notice>
        )}
        <Panel id="staff" title="Staff">
          {staff === null ? (
            <Notice tone="error" role="alert" className="mt-2">
              Auth0 did not answer, so the staff list cannot be shown. Try again in a moment.
            </Notice>
          ) : (
            <DataTable
              className="mt-3"
              columns={[
                {
                  header: "Person",
                  rowHeader: true,
                  cell: (member) => (
                    <>
                      <span className="font-medium">{member.email ?? member.userId}</span>
                      {member.userId === actor.id && <span className="text-slate-600"> (you)</span>}
                      <span className="block text-xs text-slate-600">{member.userId}</span>
                    </>
                  ),
                },
                { header: "Roles", cell: (member) => member.roles.join(", ") },
                {
                  header: "Change",
                  className: "flex flex-wrap gap-3",
                  cell: (member) =>
                    member.roles.map((role) => (
                      <RevokeRoleForm
                        key={role}
                        userId={member.userId}
                        role={role}
                        who={member.email ?? member.userId}
                      />
                    )),
                },
              ]}
              rows={staff}
              rowKey={(member) => member.userId}
              rowProps={() => ({ className: "align-top", "data-testid": "staff-member" })}
            />
          )}
        </Panel>
        <Panel id="grant" title="Grant a role">
          <div className="mt-4 max-w-xl">
            <GrantRoleForm />
          </div>
        </Panel>
        <Panel
          id="end-sessions"
          title="End someone's sessions"
          description="For a lost device or a suspected takeover: they must sign in again. Recorded in the admin change log."
        >
          <div className="mt-4 max-w-xl">
            <EndSessionsForm />
          </div>
        </Panel>
        <Panel id="role-history" title="Changes">
          {history.length === 0 ? (
            <p className="mt-2 text-slate-700">No role changes or ended sessions through the portal yet.</p>
          ) : (
            <ol className="mt-3 space-y-1 text-sm">
              {history.map((change) => (
                <li key={change.id}>
                  {formatTime(change.at)}: <StaffName id={change.actorId} emails={emails} />{" "}
                  {change.action === "session.end" ? (
                    <>
                      ended the sessions of <StaffName id={change.target} emails={emails} /> (
                      {sessionCount(change.before)} active).
                    </>
                  ) : (
                    <>
                      {change.action === "role.grant" ? "granted" : "revoked"} a role of{" "}
                      <StaffName id={change.target} emails={emails} />: roles {roleList(change.before)} →{" "}
                      {roleList(change.after)}.
                    </>
                  )}
                </li>
              ))}
            </ol>
          )}
        </Panel>
      </section>
    );
  },
);
