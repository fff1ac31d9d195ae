// `npm run keys:rewrap` on many subjects (not part of `npm test`):
//   npx tsx --conditions=react-server bench/keys-rewrap.ts [subjects]
// Starts a throw-away embedded PostgreSQL, bulk-loads N subjects (default 100,000) whose data
// keys are wrapped by one master key, starts a rotation and times the rewrap, batch size 500.
import { randomUUID } from "node:crypto";
import { switchToTestKeysFile } from "../test/keys-file.js";
import { startBenchDatabase } from "./bench-database.js";

const SUBJECTS = Number(process.argv[2] ?? 100_000);
const database = await startBenchDatabase("keys-rewrap");
switchToTestKeysFile();

const { db } = await import("../lib/db/client.js");
const { systemActor } = await import("../lib/auth/actor.js");
const { keyProvider } = await import("../lib/keys/key-provider.js");
const { startMasterKeyRotation } = await import("../lib/keys/rotate-keys.js");
const { rewrapSubjectKeys } = await import("../lib/admin/rewrap-subject-keys.js");
const { sealNewProfile } = await import("../lib/subjects/subject-profile.js");

try {
  for (let done = 0; done < SUBJECTS; done += 5_000) {
    const rows = Array.from({ length: Math.min(5_000, SUBJECTS - done) }, () => {
      const id = randomUUID();
      return { id, ...sealNewProfile(id, { email: `${id}@example.com`, name: null }) };
    });
    await db().subject.createMany({ data: rows });
  }
  startMasterKeyRotation(keyProvider());
  const started = performance.now();
  const result = await rewrapSubjectKeys({ batchSize: 500 }, systemActor("bench"));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Rewrapped ${result.rewrapped} subjects in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.rewrapped / seconds)} subjects/s), ${result.remaining} left.`,
  );
} finally {
  await db().$disconnect();
  await database.stop();
}
