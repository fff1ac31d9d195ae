// Integration tests of key rotation use the keys-file provider for real: a file of their own,
// written the way `npm start` writes DATA_DIR/keys.json, and rotated by the code the
// `npm run keys:*` commands run. Call before anything reads a key (at the top of the test file).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY_NAMES } from "@/lib/keys/portal-keys";
import { TEST_ENV } from "./test-env";

export function switchToTestKeysFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "keys-")), "keys.json");
  const keys = {
    RECEIPT_SIGNING_KEY: TEST_ENV.RECEIPT_SIGNING_KEY,
    LEDGER_MASTER_KEY: TEST_ENV.LEDGER_MASTER_KEY,
    BLIND_INDEX_KEY: TEST_ENV.BLIND_INDEX_KEY,
    LOG_SIGNING_KEY: TEST_ENV.LOG_SIGNING_KEY,
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  for (const name of KEY_NAMES) delete process.env[name];
  process.env.KEYS_FILE = file;
  return file;
}
