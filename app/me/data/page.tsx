import type { Metadata } from "next";
import { requirePerson } from "@/lib/subjects/require-person";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "My data" };

export default definePage({ role: "user", returnTo: "/me/data" }, async function MyDataPage({ actor }) {
  await requirePerson(actor, "/me/data");
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
