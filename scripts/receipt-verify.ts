// `npm run receipt:verify -- receipt.json --log-key VKEY --witness-key VKEY [--witness-key …] [--quorum N] [--jwks FILE]`:
// verifies a downloaded consent receipt offline — no database, no network — and prints each check.
// Exit code 0 only if every check passes.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Jwks, RECEIPT_CHECK_TITLES, verifyReceiptFile } from "../lib/tlog/verify-receipt.js";

const USAGE =
  "Usage: npm run receipt:verify -- receipt.json --log-key VKEY --witness-key VKEY [--witness-key VKEY …] [--quorum N] [--jwks FILE]";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "log-key": { type: "string" },
    "witness-key": { type: "string", multiple: true, default: [] },
    quorum: { type: "string" },
    jwks: { type: "string" },
  },
});

const [receiptPath] = positionals;
const logKey = values["log-key"];
if (!receiptPath || positionals.length > 1 || !logKey || values["witness-key"].length === 0) {
  console.error(USAGE);
  process.exit(2);
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    console.error(`✖ Cannot read ${what} ${path}: ${(error as Error).message}`);
    process.exit(2);
  }
}

const quorum = values.quorum === undefined ? undefined : Number(values.quorum);
if (quorum !== undefined && (!Number.isInteger(quorum) || quorum < 1)) {
  console.error("✖ --quorum must be a whole number of at least 1");
  process.exit(2);
}

const checks = await verifyReceiptFile(readJson(receiptPath, "the receipt"), {
  logKey,
  witnessKeys: values["witness-key"],
  quorum,
  jwks: values.jwks === undefined ? undefined : (readJson(values.jwks, "the JWKS") as Jwks),
});
for (const { check, ok, detail } of checks) console.log(`${ok ? "✔" : "✖"} ${RECEIPT_CHECK_TITLES[check]}: ${detail}`);
if (values.jwks === undefined)
  console.log("· The portal's signature (jws) was not checked: pass --jwks FILE (from /api/receipts/jwks).");
const passed = checks.every((check) => check.ok);
console.log(passed ? "The receipt is proven." : "The receipt is NOT proven.");
process.exit(passed ? 0 : 1);
