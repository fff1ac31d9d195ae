// `npm run keys:rewrap` after a master key rotation: subjects/s rewrapped in batches of 500 over
// `subjects` subjects whose data keys one master key wraps (no ceiling: information only).
import { randomUUID } from "node:crypto";
import { db } from "../lib/db/client.js";
import { systemActor } from "../lib/auth/actor.js";
import { keyProvider } from "../lib/keys/key-provider.js";
import { startMasterKeyRotation } from "../lib/keys/rotate-keys.js";
import { rewrapSubjectKeys } from "../lib/admin/rewrap-subject-keys.js";
import { sealNewProfile } from "../lib/subjects/subject-profile.js";
import type { BenchContext, Figure } from "./harness.js";

export async function run(ctx: BenchContext): Promise<Figure[]> {
  const subjects = ctx.tiny ? 500 : Math.min(100_000, ctx.subjects);
  for (let done = 0; done < subjects; done += 5_000) {
    const rows = Array.from({ length: Math.min(5_000, subjects - done) }, () => {
      const id = randomUUID();
      return { id, ...sealNewProfile(id, { email: `${id}@example.com`, name: null }) };
    });
    await db().subject.createMany({ data: rows });
  }
  startMasterKeyRotation(keyProvider());
  const started = performance.now();
  const result = await rewrapSubjectKeys({ batchSize: 500 }, systemActor("bench"));
  const seconds = (performance.now() - started) / 1000;
  const figure: Figure = {
    id: "keys-rewrap",
    figure: `keys:rewrap after a rotation, ${result.rewrapped.toLocaleString("en")} subjects`,
    value: result.rewrapped / seconds,
    unit: "subjects/s",
    ceiling: null,
    ceilingWhat: "none",
    kind: "throughput",
    ratio: null,
    target: "information",
  };
  console.log(`${figure.figure}: ${Math.round(figure.value!)} subjects/s, ${result.remaining} left`);
  return [figure];
}
