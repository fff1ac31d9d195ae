import type { PolicyVersionSummary } from "@/lib/policies/read-policy-versions";
import { formatDate } from "./format-time";
import { Notice } from "./notice";
import { PolicyText } from "./policy-text";

export function PolicyDocument({
  policy,
  isCurrent,
}: {
  policy: PolicyVersionSummary & { text: string };
  isCurrent: boolean;
}) {
  return (
    <article className="rounded-xl bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold">{policy.title}</h1>
      <p className="mt-1 text-sm text-slate-600">
        Version {policy.version}, published {formatDate(policy.publishedAt)}
        {isCurrent ? " (current)" : ""}
      </p>
      {!isCurrent && (
        <Notice tone="warning" className="mt-3">
          This is an earlier version.{" "}
          <a className="font-medium underline" href={`/policies/${policy.kind}`}>
            Read the current one
          </a>
          .
        </Notice>
      )}
      <PolicyText text={policy.text} />
      <p className="mt-6 text-xs break-all text-slate-500">SHA-256 of this text: {policy.textSha256}</p>
    </article>
  );
}
