import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { fieldNamesOf, formBody, plausibleValue, schemaOf, serverActionForms } from "@/test/server-action-forms";
import { parseForm } from "./form-validation";

// Issue 13, point 6, in process: 1,000 form bodies per server action's schema through the very
// validation `defineAction` runs. Each is either parsed or answered with an error naming a field
// that was sent or that the form has: never a throw (a 500, or "Something went wrong"). Over HTTP,
// with the use cases behind, e2e/server-actions-fuzz.spec.ts sends fewer.
const forms = serverActionForms();

test('every server action in a "use server" file validates with a schema imported by name', () => {
  expect(forms.length).toBeGreaterThan(20);
  expect(forms.filter((form) => !form.schemaName || !form.schemaModule.startsWith("@/lib/") || !form.role)).toEqual([]);
});

describe.each(forms.map((form) => [`${form.file}#${form.exportedName}`, form] as const))("%s", (_key, form) => {
  test("any form body is parsed, or answered with the fields to correct", async () => {
    const schema = await schemaOf(form);
    const names = fieldNamesOf(schema);
    fc.assert(
      fc.property(formBody(names, plausibleValue), (entries) => {
        const formData = new FormData();
        // As the server's multipart parser hands them over: bytes that are not UTF-8 become U+FFFD.
        for (const [name, value] of entries) {
          formData.append(name, typeof value === "string" ? value : new TextDecoder().decode(value));
        }
        const result = parseForm(schema, formData);
        if (result.ok) return;
        expect(result.state).toMatchObject({ status: "error", message: "Please correct the marked fields." });
        const named = Object.keys(result.state.status === "error" ? result.state.fieldErrors : {});
        expect(named.length).toBeGreaterThan(0);
        const sent = entries.map(([name]) => name);
        // A field sent, or an item of a list field (`scopes.1`).
        const known = (field: string) =>
          sent.includes(field) || names.some((name) => field === name || field.startsWith(`${name}.`));
        expect(named.filter((field) => !known(field))).toEqual([]);
      }),
      { numRuns: 1_000 },
    );
  });
});

// Found by the property above: the API-client forms were strict objects, so a field the form does
// not have was refused as "(body)", naming nothing the admin could correct.
test("a form field the API client forms do not know is dropped, not refused without a field", async () => {
  const { registerApiClientFormSchema, revokeApiClientFormSchema } = await import("@/lib/admin/schemas");
  const register = new FormData();
  register.append("name", "Billing");
  register.append("scopes", "consent:read");
  register.append("extra", "x");
  expect(parseForm(registerApiClientFormSchema, register)).toEqual({
    ok: true,
    data: { name: "Billing", scopes: ["consent:read"] },
  });
  const revoke = new FormData();
  revoke.append("clientId", "abc");
  revoke.append("extra", "x");
  expect(parseForm(revokeApiClientFormSchema, revoke)).toEqual({ ok: true, data: { clientId: "abc" } });
});
