// Issue 17 point 2: a stream of consent decisions through the consent API while the portal is
// killed with SIGKILL at random moments (≥ 10 times; its supervisor starts it again) and
// PostgreSQL is killed with SIGKILL (≥ 2 times) and started again. Unacknowledged requests are
// retried with the same Idempotency-Key. Afterwards nothing is lost or doubled (consent-load.ts).
import { setTimeout as sleep } from "node:timers/promises";
import { runScenario } from "./scenario.js";
import { startTrustStack } from "./stack.js";
import {
  checkOutcome,
  createAuth0People,
  registerTrustApiClient,
  runDecisionLoad,
  startTrustWebhookReceiver,
  waitForDrain,
  watchWitness,
} from "./consent-load.js";

const PEOPLE = Number(process.env.TRUST_PEOPLE ?? 24);
const PER_PERSON = Number(process.env.TRUST_PER_PERSON ?? 12);
const PORTAL_KILLS = 10; // issue 17: "at least 10 times"
const POSTGRES_KILLS = 2;
const LOAD_SECONDS = 180;

await runScenario("crashes", async (scenario) => {
  const stack = await startTrustStack({ name: "crashes" });
  try {
    const client = await registerTrustApiClient(stack);
    const receiver = await startTrustWebhookReceiver();
    const people = await createAuth0People(stack, PEOPLE, "crashes");
    const witness = watchWitness(stack);
    const total = PEOPLE * PER_PERSON;

    // Kills are due when the acknowledgements cross evenly spaced marks, each after a random
    // pause, so they land mid-stream whatever the machine's speed; one at a time.
    const portalMarks = Array.from({ length: PORTAL_KILLS }, (_, index) =>
      Math.floor(((index + 1) * total) / (PORTAL_KILLS + 1)),
    );
    const postgresMarks = [Math.floor(total * 0.35), Math.floor(total * 0.7)].slice(0, POSTGRES_KILLS);
    let chaos = Promise.resolve();
    const downtimes: number[] = [];
    const enqueue = (what: () => Promise<void>) => {
      chaos = chaos.then(what).catch((error: unknown) => scenario.log(`chaos step failed: ${String(error)}`));
    };
    const killPortal = async () => {
      await stack.portal.waitUntilAnswering();
      await sleep(Math.random() * 400);
      const down = performance.now();
      await stack.portal.kill();
      await stack.portal.waitUntilAnswering();
      downtimes.push(performance.now() - down);
    };
    const killPostgres = async () => {
      await sleep(Math.random() * 400);
      await stack.postgres.kill();
      await sleep(500 + Math.random() * 1000);
      await stack.postgres.start();
    };

    const loadStarted = performance.now();
    const requests = await runDecisionLoad({
      client,
      portalUrls: () => [stack.portal.url],
      people,
      perPerson: PER_PERSON,
      workers: 6,
      deadline: Date.now() + LOAD_SECONDS * 1000,
      runTag: "crashes",
      // The worker that crosses a mark waits for the fault before, so the stream cannot run
      // ahead of the faults and leave them for after it.
      onAcknowledged: async (count) => {
        if (portalMarks.includes(count) || postgresMarks.includes(count)) await chaos;
        if (portalMarks.includes(count)) enqueue(killPortal);
        if (postgresMarks.includes(count)) enqueue(killPostgres);
      },
    });
    await chaos;
    scenario.notes.loadSeconds = Math.round((performance.now() - loadStarted) / 1000);
    scenario.notes.portalKills = stack.portal.kills();
    scenario.notes.postgresKills = stack.postgres.kills();
    scenario.notes.portalRestartMedianMs = Math.round([...downtimes].sort((a, b) => a - b)[downtimes.length >> 1] ?? 0);
    scenario.figures.crashes = stack.portal.kills() + stack.postgres.kills();
    scenario.check(
      `the portal was killed (SIGKILL) at least ${PORTAL_KILLS} times mid-stream and its supervisor restarted it each time`,
      stack.portal.kills() >= PORTAL_KILLS && stack.portal.restarts() >= stack.portal.kills(),
      `${stack.portal.kills()} kills, ${stack.portal.restarts()} restarts`,
    );
    scenario.check(
      `PostgreSQL was killed (SIGKILL) at least ${POSTGRES_KILLS} times mid-stream and started again`,
      stack.postgres.kills() >= POSTGRES_KILLS,
      `${stack.postgres.kills()} kills`,
    );

    scenario.figures.drainSeconds = Math.round((await waitForDrain(240_000)) * 10) / 10;
    witness.stop();
    await checkOutcome(scenario, { stack, client, requests, people, receiver, witnessed: witness.seen });
    await receiver.close();
  } finally {
    await stack.stop();
  }
});
