// `npm run keys:rewrap`: moves every subject's data key, and every webhook endpoint's signing
// secret, to a new LEDGER_MASTER_KEY (ADR 026, ADR 034).
//   (no flag)           with the keys file (`npm start`, or KEYS_FILE): starts a rotation if none
//                       is under way (a new current key; the old one kept for reading), then
//                       rewraps every subject, then the webhook secrets. With keys in the environment: prints the variables
//                       to set first, and rewraps once the portal runs with them.
//   --retire-previous   after a complete run: forgets the previous master keys (keys file) or
//                       says which variable to unset. Refused while any subject or webhook
//                       secret still needs one.
//   --batch-size N      subjects per transaction (default 500)
// The portal keeps serving throughout; stop it at any time and run it again to continue.
// Uses DATABASE_URL; otherwise the embedded database (the running one of `npm start`, if any).
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import { withPortalDatabase } from "./database.js";
import { localKeysFile } from "./local-config.js";

const { values: options } = parseArgs({
  options: { "retire-previous": { type: "boolean" }, "batch-size": { type: "string" } },
});
const file = localKeysFile();
if (file) process.env.KEYS_FILE = file;
const { PrismaClient } = await import("../lib/generated/prisma/client.js");
const { keyProvider } = await import("../lib/keys/key-provider.js");
const { retirePreviousMasterKeys, startMasterKeyRotation } = await import("../lib/keys/rotate-keys.js");
const { countSubjectsToRewrap, rewrapSubjectKeys } = await import("../lib/admin/rewrap-subject-keys.js");
const { countWebhookSecretsToRewrap, rewrapWebhookSecrets } = await import("../lib/webhooks/rewrap-webhook-secrets.js");
const { systemActor } = await import("../lib/auth/actor.js");

const actor = systemActor("keys:rewrap");
const provider = keyProvider();

function printVariables(variables: Record<string, string>) {
  for (const [name, value] of Object.entries(variables)) console.log(`${name}=${value}`);
}

async function run(url: string): Promise<void> {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    if (options["retire-previous"]) {
      const { remaining, rewrapped } = await rewrapSubjectKeys({}, actor, { client });
      if (rewrapped) console.log(`Rewrapped ${rewrapped} more subject(s).`);
      if (remaining > 0) throw new Error(`${remaining} subject(s) still need a previous key: run again`);
      const webhooks = await rewrapWebhookSecrets(actor, { client });
      if (webhooks.secrets) console.log(`Rewrapped ${webhooks.secrets} more webhook secret(s).`);
      const left = await countWebhookSecretsToRewrap(client);
      if (left > 0) throw new Error(`${left} webhook endpoint(s) still need a previous key: run again`);
      const change = retirePreviousMasterKeys(provider);
      if (change.stored) console.log(`✔ Previous master keys removed from ${provider.source}.`);
      else {
        console.log("✔ No subject needs a previous master key. Set this, then restart the portal:\n");
        printVariables(change.variables);
      }
      return;
    }
    if (provider.read().LEDGER_PREVIOUS_MASTER_KEYS.length === 0) {
      const change = startMasterKeyRotation(provider)!;
      if (!change.stored) {
        console.log(`Master keys come from ${provider.source}. To rotate, set these (secret! back them up),`);
        console.log("restart every portal instance, then run `npm run keys:rewrap` again:\n");
        printVariables(change.variables);
        return;
      }
      console.log(`New master key in ${provider.source}; the old one is kept for reading until retired.`);
    }
    const { remaining: total, keyId } = await countSubjectsToRewrap(client);
    console.log(`Rewrapping ${total} subject(s) under master key ${keyId}…`);
    const started = performance.now();
    const batchSize = options["batch-size"] ? Number(options["batch-size"]) : undefined;
    const result = await rewrapSubjectKeys({ batchSize }, actor, {
      client,
      onBatch: ({ rewrapped, remaining }) => console.log(`  rewrapped ${rewrapped}, ${remaining} to go`),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`✔ Rewrapped ${result.rewrapped} subject(s) in ${seconds.toFixed(1)} s; ${result.remaining} left.`);
    // Webhook secrets: a few endpoints, one transaction (lib/webhooks/rewrap-webhook-secrets.ts).
    const webhooks = await rewrapWebhookSecrets(actor, { client });
    console.log(`✔ Rewrapped ${webhooks.secrets} webhook secret(s) of ${webhooks.endpoints} endpoint(s).`);
    if (result.remaining === 0) {
      console.log("Once every portal instance uses the new key, run `npm run keys:rewrap -- --retire-previous`.");
    }
  } finally {
    await client.$disconnect();
  }
}

try {
  await withPortalDatabase(run);
} catch (error) {
  console.error(`✖ ${(error as Error).message}`);
  process.exit(1);
}
