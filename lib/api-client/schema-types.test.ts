import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateSchemaTypes, SCHEMA_TYPES_FILE } from "./generate-schema-types";

describe("the typed client's schema.d.ts", () => {
  it("is what the OpenAPI document generates now (run `npm run api:types` after changing the API)", async () => {
    expect(readFileSync(SCHEMA_TYPES_FILE, "utf8")).toBe(await generateSchemaTypes());
  });
});
