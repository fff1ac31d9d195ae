import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldIssues, formDataToObject } from "./validation";

describe("formDataToObject", () => {
  it("keeps single values as strings and repeated keys as arrays, and drops React's fields", () => {
    const form = new FormData();
    form.append("email", "ada@example.com");
    form.append("purposes", "analytics");
    form.append("purposes", "marketing-email");
    form.append("$ACTION_ID_abc", "");
    expect(formDataToObject(form)).toEqual({ email: "ada@example.com", purposes: ["analytics", "marketing-email"] });
  });
});

describe("fieldIssues", () => {
  it("names the field and the reason of each problem", () => {
    const schema = z.object({ email: z.email("Enter an email address"), reason: z.string().min(5, "Too short") });
    const result = schema.safeParse({ email: "nope", reason: "no" });
    expect(result.success).toBe(false);
    expect(fieldIssues(result.error!)).toEqual([
      { field: "email", reason: "Enter an email address" },
      { field: "reason", reason: "Too short" },
    ]);
  });
});

describe("plain validation messages", () => {
  const reasons = (schema: z.ZodType, input: unknown) => {
    const result = schema.safeParse(input);
    return result.success ? [] : fieldIssues(result.error).map((issue) => issue.reason);
  };

  it("say what to do in plain words, never zod's default text", () => {
    const schema = z.object({
      key: z.string().min(2),
      title: z.string().min(1),
      email: z.email(),
      position: z.coerce.number().int().max(1000),
      purposes: z.array(z.string()).min(1),
      kind: z.enum(["terms", "privacy"]),
      note: z.string().max(3),
    });
    const messages = reasons(schema, {
      key: "x",
      title: "",
      email: "nope",
      position: 5000,
      purposes: [],
      kind: "other",
      note: "long",
    });
    expect(messages).toEqual([
      "Enter at least 2 characters.",
      "This field is required.",
      "Enter an email address such as name@example.com.",
      "Enter a number of at most 1000.",
      "Choose at least one.",
      "Choose one of the options.",
      "Use at most 3 characters.",
    ]);
    expect(messages.join(" ")).not.toMatch(/expected|Too small|Too big|Invalid/);
    expect(reasons(z.object({ a: z.string() }), {})).toEqual(["This field is required."]);
  });

  it("leave a schema's own message alone", () => {
    expect(reasons(z.string().min(5, "Give a reason of at least 5 characters."), "no")).toEqual([
      "Give a reason of at least 5 characters.",
    ]);
  });
});
