import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getViewer } from "@/lib/auth/viewer";
import { listPurposes } from "@/lib/policies/list-purposes";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage() {
  if (await getViewer()) redirect("/me/consents");
  const [current, purposes] = await Promise.all([readCurrentPolicyVersions(), listPurposes()]);
  const link = (version: (typeof current)["terms"]) =>
    version ? { title: version.title, version: version.version, href: `/policies/${version.kind}` } : null;
  return (
    <section className="mx-auto max-w-xl rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">Create your account</h1>
      <p className="mt-2 text-slate-700">
        Already have one?{" "}
        <a href="/auth/login" className="font-medium text-blue-800 underline">
          Sign in
        </a>
        .
      </p>
      <div className="mt-6">
        <SignUpForm
          idempotencyKey={randomUUID()}
          policyVersionIds={Object.values(current).flatMap((version) => (version ? [version.id] : []))}
          terms={link(current.terms)}
          privacy={link(current.privacy)}
          optionalPurposes={purposes
            .filter((purpose) => !purpose.required)
            .map(({ key, title, description, requiresVerifiedEmail }) => ({
              key,
              title,
              description,
              confirmByEmail: requiresVerifiedEmail,
            }))}
        />
      </div>
    </section>
  );
}
