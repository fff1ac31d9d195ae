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
