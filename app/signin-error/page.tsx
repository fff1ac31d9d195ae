import type { Metadata } from "next";

export const metadata: Metadata = { title: "Sign-in failed" };

export default async function SignInErrorPage({
  searchParams,
}: {
  searchParams: Promise<{ reason?: string | string[] }>;
}) {
  const { reason } = await searchParams;
  const text = typeof reason === "string" && reason.length <= 200 ? reason : "Sign-in failed.";
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">You could not be signed in</h1>
      <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-red-900">
        {text}
      </p>
      <a href="/auth/login" className="mt-6 inline-block font-medium text-blue-800 underline">
        Try again
      </a>
    </section>
  );
}
