import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { getViewer } from "@/lib/auth/viewer";
import { requirePerson } from "@/lib/subjects/require-person";
import { definePage } from "@/lib/http/define-page";
import { listMySessions } from "@/lib/sessions/list-my-sessions";
import { EndSessionForm } from "./end-session-form";

export const metadata: Metadata = { title: "My data" };

export default definePage({ role: "user", returnTo: "/me/data" }, async function MyDataPage({ actor }) {
  await requirePerson(actor, "/me/data");
  const sessions = await listMySessions(actor, (await getViewer())?.sessionId ?? null);
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">My data</h1>
      <p className="mt-3 max-w-prose text-slate-700">
        Download everything we hold about you: your profile, every consent decision with its receipt, your current
        choices, and your account record from our identity provider, as one JSON file.
      </p>
      <a
        href="/me/data/download"
        download
        className="mt-6 inline-block rounded-md bg-blue-700 px-5 py-2.5 font-semibold text-white hover:bg-blue-800"
      >
        Download my data (JSON)
      </a>
      <h2 id="sessions-heading" className="mt-10 text-lg font-semibold">
        Where you are signed in
      </h2>
      <p className="mt-1 max-w-prose text-sm text-slate-600">
        Each sign-in is a session. End one you do not recognise (a shared or lost device): it stops working at once.
      </p>
      <ul aria-labelledby="sessions-heading" className="mt-3 space-y-3">
        {sessions.map((session) => (
          <li
            key={session.id}
            data-testid="my-session"
            className="flex flex-wrap items-start justify-between gap-3 rounded-md border border-slate-200 p-3 text-sm"
          >
            <div>
              <p className="font-medium">
                Signed in {formatTime(session.createdAt)}
                {session.current && <span className="text-slate-600"> (this browser)</span>}
              </p>
              <p className="text-slate-600">
                Last active {formatTime(session.lastSeenAt)}; ends by {formatTime(session.endsAt)}.
              </p>
            </div>
            {session.current ? (
              <a className="font-medium text-blue-800 underline" href="/auth/logout">
                Sign out
              </a>
            ) : (
              <EndSessionForm sessionId={session.id} signedInAt={formatTime(session.createdAt)} />
            )}
          </li>
        ))}
      </ul>
      <p className="mt-8 text-slate-700">
        Want to leave?{" "}
        <a className="font-medium text-red-800 underline" href="/me/delete">
          Delete my account
        </a>
        .
      </p>
    </section>
  );
});
