/** The two policy documents, as people read their names. */
export const POLICY_KIND_TITLES = { terms: "Terms of Service", privacy: "Privacy Policy" } as const;

export type PolicyKind = keyof typeof POLICY_KIND_TITLES;

/** `Terms of Service version 2`, or `Terms of Service v2` where space is short (tables). */
export function policyVersionLabel(policy: { kind: PolicyKind; version: string }, style: "long" | "short" = "long") {
  return `${POLICY_KIND_TITLES[policy.kind]} ${style === "short" ? "v" : "version "}${policy.version}`;
}
