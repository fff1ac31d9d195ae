import { DefinitionList } from "@/components/definition-list";
import { getViewer, requireSessionActor } from "@/lib/auth/viewer";
import { requirePerson } from "@/lib/subjects/require-person";

const ROLE_DESCRIPTIONS = {
  user: "You can review and change the consents you have given.",
  compliance: "You can search people and audit every consent decision.",
  admin: "You can manage purposes, policy versions, roles and exports.",
} as const;

export default async function HomePage() {
  const viewer = await getViewer();
  if (!viewer) {
    return (
      <section className="rounded-xl bg-white p-8 shadow-sm">
        <h1 className="text-3xl font-bold">Your consent, on the record</h1>
        <p className="mt-3 max-w-prose text-slate-700">
          See what you have agreed to, when, and to which text. Withdraw any consent as easily as you gave it.
        </p>
        <div className="mt-6 flex flex-wrap items-center gap-4">
          <a
            href="/auth/login"
            className="inline-block rounded-md bg-blue-700 px-5 py-2.5 font-semibold text-white hover:bg-blue-800"
          >
            Sign in to continue
          </a>
          <a href="/signup" className="font-medium text-blue-800 underline">
            Create an account
          </a>
        </div>
      </section>
    );
  }
  // The consent gate applies here too: nobody is welcomed before agreeing to the current terms.
  await requirePerson(await requireSessionActor("user", "/"), "/");
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-3xl font-bold">Welcome, {viewer.name}</h1>
      <DefinitionList
        size="base"
        className="mt-6"
        items={[
          { term: "Signed in as", value: viewer.email, testId: "viewer-email" },
          { term: "Role", value: <strong>{viewer.role}</strong>, testId: "viewer-role" },
        ]}
      />
      <p className="mt-6 text-slate-700">{ROLE_DESCRIPTIONS[viewer.role]}</p>
      <ul className="mt-4 flex flex-wrap gap-4">
        <li>
          <a className="font-medium text-blue-800 underline" href="/me/consents">
            Review my consents
          </a>
        </li>
        {viewer.role !== "user" && (
          <li>
            <a className="font-medium text-blue-800 underline" href="/compliance">
              Open the compliance workspace
            </a>
          </li>
        )}
        {viewer.role === "admin" && (
          <li>
            <a className="font-medium text-blue-800 underline" href="/admin">
              Open the admin console
            </a>
          </li>
        )}
      </ul>
    </section>
  );
}
