// npm run api:types: regenerates lib/api-client/schema.d.ts from the OpenAPI document.
import { writeFileSync } from "node:fs";
import { generateSchemaTypes, SCHEMA_TYPES_FILE } from "../lib/api-client/generate-schema-types";

writeFileSync(SCHEMA_TYPES_FILE, await generateSchemaTypes());
console.log(`Wrote ${SCHEMA_TYPES_FILE}`);
