import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">Not found</h1>
      <p className="mt-3 text-slate-700">There is nothing here. The address may be mistyped, or the page has moved.</p>
      <Link href="/" className="mt-6 inline-block font-medium text-blue-800 underline">
        Go to the home page
      </Link>
    </section>
  );
}
