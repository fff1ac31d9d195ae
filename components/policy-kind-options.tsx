import { POLICY_KIND_TITLES, type PolicyKind } from "./policy-kind";

/** The policy documents as <option>s of a select. */
export function PolicyKindOptions({ order = ["terms", "privacy"] }: { order?: PolicyKind[] }) {
  return order.map((kind) => (
    <option key={kind} value={kind}>
      {POLICY_KIND_TITLES[kind]}
    </option>
  ));
}
