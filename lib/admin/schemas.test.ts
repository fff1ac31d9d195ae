import { describe, expect, it } from "vitest";
import {
  changeRoleFormSchema,
  updatePurposeFormSchema,
  policyDraftFormSchema,
  publishDraftFormSchema,
} from "./schemas";

describe("admin form schemas", () => {
  it("reads checkboxes as booleans: ticked sends 'on', unticked sends nothing", () => {
    const base = { key: "newsletter", title: "Newsletter", description: "Monthly", position: "2" };
    expect(updatePurposeFormSchema.parse({ ...base, required: "on" })).toMatchObject({ required: true, position: 2 });
    expect(updatePurposeFormSchema.parse(base)).toMatchObject({ required: false });
  });

  it("reads a purpose edit's wording choice, and normalizes the description's line endings", () => {
    const base = { key: "newsletter", title: "Newsletter", description: "Monthly\r\nletter", position: "2" };
    expect(
      updatePurposeFormSchema.parse({ ...base, wordingChange: "reconsent", changeSummary: "", fromVersion: "3" }),
    ).toMatchObject({
      wordingChange: "reconsent",
      changeSummary: undefined,
      fromVersion: 3,
      description: "Monthly\nletter",
    });
    const plain = updatePurposeFormSchema.parse(base);
    expect([plain.wordingChange, plain.fromVersion]).toEqual([undefined, undefined]);
    expect(updatePurposeFormSchema.safeParse({ ...base, wordingChange: "maybe" }).success).toBe(false);
  });

  it("normalizes a draft's line endings to LF, so its hash does not depend on the browser", () => {
    const draft = policyDraftFormSchema.parse({
      kind: "terms",
      version: "2",
      title: "Terms",
      url: "",
      text: "One\r\ntwo\rthree\n",
    });
    expect(draft.text).toBe("One\ntwo\nthree\n");
    expect(draft.url).toBeUndefined();
    expect(draft.id).toBeUndefined();
  });

  it("refuses a version label or address people could not use", () => {
    const result = policyDraftFormSchema.safeParse({
      kind: "terms",
      version: "2 final",
      title: "Terms",
      url: "javascript:alert(1)",
      text: "x",
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join("."))).toEqual(["version", "url"]);
  });

  it("publishes only with the confirmation ticked and the previewed hash", () => {
    const id = "6f1c1f5e-3c1b-4d8a-9a57-2f7a3e1b8c90";
    const textSha256 = "a".repeat(64);
    expect(publishDraftFormSchema.safeParse({ id, textSha256 }).error?.issues[0]?.path).toEqual(["confirm"]);
    // Re-consent without a summary of what changed is refused, at the summary's field.
    expect(
      publishDraftFormSchema.safeParse({ id, textSha256, confirm: "on", requiresReconsent: "on", changeSummary: " " })
        .error?.issues[0]?.path,
    ).toEqual(["changeSummary"]);
    expect(
      publishDraftFormSchema.parse({
        id,
        textSha256,
        confirm: "on",
        requiresReconsent: "on",
        changeSummary: " We now keep data for 24 months. ",
      }),
    ).toEqual({
      id,
      textSha256,
      confirm: true,
      requiresReconsent: true,
      changeSummary: "We now keep data for 24 months.",
    });
    expect(publishDraftFormSchema.parse({ id, textSha256, confirm: "on" })).toMatchObject({ requiresReconsent: false });
  });

  it("only changes staff roles", () => {
    expect(changeRoleFormSchema.safeParse({ user: "a@b.example", role: "user", change: "grant" }).success).toBe(false);
    expect(changeRoleFormSchema.parse({ user: " a@b.example ", role: "admin", change: "revoke" }).user).toBe(
      "a@b.example",
    );
  });
});
