// `npm run keys:rotate-receipts`: starts a new consent receipt signing key (ADR 026). The old
// key's public half stays in /api/receipts/jwks, so every receipt issued before still verifies;
// its private half is dropped. With the keys file (`npm start`, or KEYS_FILE) the change is
// stored and a running portal signs with the new key from its next request; with keys in the
// environment it prints the two variables to set, for the operator to deploy.
import { localKeysFile } from "./local-config.js";

const file = localKeysFile();
if (file) process.env.KEYS_FILE = file;
const { keyProvider } = await import("../lib/keys/key-provider.js");
const { rotateReceiptSigningKey } = await import("../lib/keys/rotate-keys.js");
const { receiptSigningKey } = await import("../lib/receipts/signing-key.js");

try {
  const provider = keyProvider();
  const retiredKid = (await receiptSigningKey()).publicJwk.kid;
  const change = await rotateReceiptSigningKey(provider);
  if (change.stored) {
    console.log(`✔ New receipt signing key ${(await receiptSigningKey()).publicJwk.kid} in ${provider.source}.`);
    console.log(`  Key ${retiredKid} is retired: listed in the JWKS, no longer signing. Back up the file.`);
  } else {
    console.log(`Receipt keys come from ${provider.source}. Set these (secret!), then restart the portal:\n`);
    for (const [name, value] of Object.entries(change.variables)) console.log(`${name}=${value}`);
    console.log(`\nKey ${retiredKid} then stays in the JWKS as a retired key.`);
  }
} catch (error) {
  console.error(`✖ ${(error as Error).message}`);
  process.exit(1);
}
