import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PolicyDocument } from "@/components/policy-document";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { policyKindSchema } from "@/lib/policies/schemas";

export const metadata: Metadata = { title: "Policy" };

/** Public: the version of a document in force now. */
export default async function CurrentPolicyPage({ params }: { params: Promise<{ kind: string }> }) {
  const kind = policyKindSchema.safeParse((await params).kind);
  if (!kind.success) notFound();
  const policy = (await readCurrentPolicyVersions())[kind.data];
  if (!policy) notFound();
  return <PolicyDocument policy={policy} isCurrent />;
}
