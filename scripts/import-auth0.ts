// `npm run import:auth0`: imports consent recorded in Auth0 (`user_metadata.consent`, the seed's
// "automatic user migration") into the ledger as `migration` events (ADR 034). By default it runs
// an Auth0 users-export job through the Management API and imports the file it produces;
//   --file <path>   import an export file already downloaded instead (NDJSON, or .gz)
//   --json          print the whole report as JSON
// Re-running is safe: lines already imported are recognised (same user, purpose and date).
// Needs the portal's full configuration (lib/env.ts), like `npm run outbox:worker`.
// Exit code 0 = imported (rejected lines are reported, not fatal), 2 = could not run.
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { systemActor } from "../lib/auth/actor.js";
import { parseEnv } from "../lib/env.js";
import { importAuth0UsersExport } from "../lib/imports/import-auth0-users-export.js";
import { importLegacyConsents, type LegacyImportReport } from "../lib/imports/import-legacy-consents.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const fileIndex = args.indexOf("--file");
const file = fileIndex >= 0 ? args[fileIndex + 1] : undefined;

function print(report: LegacyImportReport) {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(
    `Read ${report.lines} users: ${report.imported} imported (${report.events} events), ` +
      `${report.alreadyImported} already imported, ${report.skippedCount} skipped, ${report.rejectedCount} rejected.`,
  );
  for (const note of report.rejected) console.log(`✖ line ${note.line}: ${note.reason}`);
  for (const note of report.skipped) console.log(`· line ${note.line}: ${note.reason}`);
  if (report.truncated) console.log("(more lines than listed; run with --json or fix the first ones)");
}

try {
  parseEnv(process.env);
  const actor = systemActor("auth0-import");
  let report: LegacyImportReport;
  if (file) {
    const stream = createReadStream(file);
    report = await importLegacyConsents(file.endsWith(".gz") ? stream.pipe(createGunzip()) : stream, actor);
  } else {
    report = await importAuth0UsersExport(actor, { onProgress: (message) => console.error(message) });
  }
  print(report);
  process.exit(0);
} catch (error) {
  console.error(`\n✖ The import could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
