import { buttonClass } from "@/components/button-class";
import { SelectInput, TextInput } from "@/components/form-field";
import { policyVersionLabel, type PolicyKind } from "@/components/policy-kind";

/** The search's criteria: a GET form, so a search is a link that can be shared and reloaded. */
export function SearchForm({
  params,
  fieldErrors,
  purposes,
  versions,
}: {
  params: Record<string, string>;
  fieldErrors: Record<string, string>;
  purposes: Array<{ id: string; key: string; title: string }>;
  versions: Array<{ id: string; kind: PolicyKind; version: string }>;
}) {
  const field = (name: string) => ({ name, defaultValue: params[name] ?? "", error: fieldErrors[name] });
  return (
    <form method="get" action="/compliance" className="mt-6 space-y-6 rounded-xl bg-white p-6 shadow-sm" noValidate>
      <fieldset className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-lg font-semibold">Find a person</legend>
        <TextInput {...field("email")} type="email" label="Email (exact)" hint="Any letter case" />
        <TextInput {...field("auth0UserId")} label="Auth0 user id" hint="e.g. auth0|64f0…" />
        <TextInput {...field("subjectId")} label="Subject id" hint="The ledger's pseudonymous id" />
      </fieldset>

      <fieldset className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-lg font-semibold">Filter current consent</legend>
        <SelectInput
          {...field("purpose")}
          label="Purpose"
          emptyOption="Any purpose"
          options={purposes.map((purpose) => ({ value: purpose.key, label: purpose.title }))}
        />
        <SelectInput {...field("status")} label="State">
          <option value="">Any state</option>
          <option value="granted">Given</option>
          <option value="withdrawn">Withdrawn</option>
        </SelectInput>
        <SelectInput
          {...field("policyVersionId")}
          label="Policy version"
          emptyOption="Any version"
          options={versions.map((version) => ({ value: version.id, label: policyVersionLabel(version) }))}
        />
        <TextInput {...field("from")} type="date" label="Decided from" hint="Day of the current decision (UTC)" />
        <TextInput {...field("to")} type="date" label="Decided until" hint="Inclusive" />
      </fieldset>
      <button type="submit" className={buttonClass("primary")}>
        Search
      </button>
    </form>
  );
}
