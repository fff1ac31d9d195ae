import Link from "next/link";
import { ErrorPageTitle } from "@/components/error-page-title";

export default function Forbidden() {
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <ErrorPageTitle title="Not allowed" />
      <h1 className="text-2xl font-bold">Not allowed</h1>
      <p className="mt-3 text-slate-700">Your role does not give access to this page.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-blue-800 underline">
        Go to the home page
      </Link>
    </section>
  );
}
