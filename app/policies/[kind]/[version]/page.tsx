import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PolicyDocument } from "@/components/policy-document";
import { readCurrentPolicyVersions, readPolicyVersion } from "@/lib/policies/read-policy-versions";
import { policyKindSchema } from "@/lib/policies/schemas";

export const metadata: Metadata = { title: "Policy" };

/** Public: one published version, exactly as people were shown it. */
export default async function PolicyVersionPage({ params }: { params: Promise<{ kind: string; version: string }> }) {
  const { kind: rawKind, version } = await params;
  const kind = policyKindSchema.safeParse(rawKind);
  if (!kind.success) notFound();
  const policy = await readPolicyVersion({ kind: kind.data, version: decodeURIComponent(version) });
  if (!policy) notFound();
  const current = (await readCurrentPolicyVersions())[kind.data];
  return <PolicyDocument policy={policy} isCurrent={current?.id === policy.id} />;
}
