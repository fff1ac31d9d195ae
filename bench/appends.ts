// Quick figures for the consent ledger (not part of `npm test`):
//   npx tsx --conditions=react-server bench/ledger-bench.ts
// Starts a throw-away embedded PostgreSQL, then times appends and verification.
import { randomUUID } from "node:crypto";
import { PERSON } from "../test/actors.js";
import { startBenchDatabase } from "./bench-database.js";

const database = await startBenchDatabase("ledger");

const { db } = await import("../lib/db/client.js");
const { seedConsentCatalog } = await import("../lib/demo/consent-catalog.js");
const { appendConsentEvents } = await import("../lib/ledger/append-consent-events.js");
const { verifyLedger } = await import("../lib/ledger/verify-ledger.js");
const { ensureSubject } = await import("../lib/subjects/ensure-subject.js");
const { grantConsent } = await import("../lib/consent/grant-consent.js");
const { readCurrentPolicyVersions } = await import("../lib/policies/read-policy-versions.js");

await db().$transaction((tx) => seedConsentCatalog(tx));
const analytics = await db().purpose.findUniqueOrThrow({ where: { key: "analytics" } });
const current = await readCurrentPolicyVersions();
const analyticsWording = await db().purposeVersion.findFirstOrThrow({
  where: { purposeId: analytics.id },
  orderBy: { version: "desc" },
});

const newSubject = () => ensureSubject({ auth0UserId: `auth0|${randomUUID()}`, email: `${randomUUID()}@example.com` });
const appendOne = (subjectId: string, action: "granted" | "withdrawn" = "granted") =>
  appendConsentEvents({
    subjectId,
    idempotencyKey: randomUUID(),
    requestFingerprint: "bench",
    decide: () =>
      Promise.resolve([
        {
          action,
          purposeId: analytics.id,
          purposeVersionId: analyticsWording.id,
          purposeTextSha256: analyticsWording.textSha256,
          policyVersionId: current.privacy!.id,
          policyTextSha256: current.privacy!.textSha256,
          method: "api" as const,
          actorType: "system" as const,
          actorId: "bench",
          actorReason: null,
          clientTime: null,
          ipTruncated: null,
          userAgentHash: null,
        },
      ]),
  });

async function time(label: string, work: () => Promise<unknown>, divisor = 1, unit = "") {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  console.log(
    `${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms${divisor > 1 ? `  (${(ms / divisor).toFixed(2)} ms/${unit})` : ""}`,
  );
  return ms;
}

// Warm the connection pool first.
await Promise.all(Array.from({ length: 10 }, async () => appendOne((await newSubject()).id)));

const sequential = await newSubject();
await time(
  "100 sequential appends, one subject",
  async () => {
    for (let index = 0; index < 100; index += 1) await appendOne(sequential.id, index % 2 ? "withdrawn" : "granted");
  },
  100,
  "append",
);

for (let run = 1; run <= 3; run += 1) {
  const subject = await newSubject();
  await time(
    `50 concurrent appends, one subject (run ${run})`,
    () => Promise.all(Array.from({ length: 50 }, () => appendOne(subject.id))),
    50,
    "append",
  );
}
const subjects = await Promise.all(Array.from({ length: 50 }, () => newSubject()));
await time(
  "50 concurrent appends, 50 subjects",
  () => Promise.all(subjects.map((subject) => appendOne(subject.id))),
  50,
  "append",
);

const signups = await Promise.all(Array.from({ length: 50 }, () => newSubject()));
await time(
  "50 concurrent grantConsent (signup, 3 purposes each)",
  () =>
    Promise.all(
      signups.map((subject) =>
        grantConsent(
          {
            subjectId: subject.id,
            purposes: ["terms", "analytics", "marketing-email"],
            policyVersionIds: [current.terms!.id, current.privacy!.id],
            method: "signup",
          },
          PERSON,
        ),
      ),
    ),
  50,
  "request",
);

// Fill the ledger to ~10k events: 1,000 subjects × 10 events, 20 subjects at a time.
const existing = await db().consentEvent.count();
const filler = await Promise.all(Array.from({ length: 1000 }, () => newSubject()));
await time(`fill: ${10_000 - existing} more appends (20 subjects in parallel)`, async () => {
  let remaining = 10_000 - existing;
  for (let start = 0; remaining > 0; start = (start + 20) % filler.length) {
    const batch = filler.slice(start, start + 20).slice(0, remaining);
    await Promise.all(batch.map((subject) => appendOne(subject.id)));
    remaining -= batch.length;
  }
});
const total = await db().consentEvent.count();
for (let run = 1; run <= 3; run += 1) {
  let report: Awaited<ReturnType<typeof verifyLedger>> | undefined;
  await time(
    `verifyLedger over ${total} events (run ${run})`,
    async () => {
      report = await verifyLedger();
    },
    total / 10_000,
    "10k events",
  );
  if (!report?.ok) throw new Error("ledger should verify");
}

await db().$disconnect();
await database.stop();
