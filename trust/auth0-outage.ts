// Issue 17 point 3: Auth0 (the emulator) answers 5xx, then rate-limits every call (a 429 storm),
// then is down (its process killed). Meanwhile decisions are still given and withdrawn through
// the consent API and recorded, and the admin dashboard shows the Auth0 backlog; once Auth0 is
// back, the outbox drains and Auth0's user_metadata equals the ledger for every person.
import { runScenario } from "./scenario.js";
import { startTrustStack } from "./stack.js";
import { signIn, textOfTestId } from "./sign-in.js";
import {
  checkOutcome,
  createAuth0People,
  registerTrustApiClient,
  runDecisionLoad,
  startTrustWebhookReceiver,
  waitForDrain,
  type DecisionRequest,
} from "./consent-load.js";

const PEOPLE = 12;
const PER_PHASE = 4;

await runScenario("auth0-outage", async (scenario) => {
  const stack = await startTrustStack({ name: "auth0-outage" });
  try {
    const { db } = await import("../lib/db/client.js");
    const client = await registerTrustApiClient(stack);
    const receiver = await startTrustWebhookReceiver();
    const people = await createAuth0People(stack, PEOPLE, "outage");
    const admin = await signIn(stack.portal.url, "admin@demo.test");
    const requests: DecisionRequest[] = [];
    const state = new Map<string, Map<string, boolean>>();
    const load = async (tag: string) => {
      const sent = await runDecisionLoad({
        client,
        portalUrls: () => [stack.portal.url],
        people,
        perPerson: PER_PHASE,
        workers: 4,
        deadline: Date.now() + 60_000,
        runTag: `outage-${tag}`,
        // Each phase goes on from what the last one left.
        state,
      });
      requests.push(...sent);
      return sent;
    };

    // Before the outage: every person known to the portal (a first write by Auth0 user id asks Auth0).
    await load("before");
    await waitForDrain();

    const phases: Array<{ name: string; start: () => Promise<void> }> = [
      { name: "5xx", start: () => stack.emulator.setFaults({ errorRate: 1, errorStatus: 503 }) },
      { name: "429 storm", start: () => stack.emulator.setFaults({ rateLimitRate: 1 }) },
      { name: "down", start: () => stack.emulator.kill() },
    ];
    let backlogShown = 0;
    for (const phase of phases) {
      await phase.start();
      const sent = await load(phase.name.replace(/\W/g, ""));
      const acknowledged = sent.filter((request) => request.status !== undefined).length;
      scenario.check(
        `Auth0 ${phase.name}: decisions are still given and withdrawn through the API`,
        acknowledged === sent.length && sent.length > 0,
        `${acknowledged} of ${sent.length} acknowledged`,
      );
      const pending = await db().outboxMessage.count({ where: { status: "pending" } });
      const { html, status } = await admin.page("/admin");
      const tile = textOfTestId(html, "outbox-backlog");
      const shown = Number(/([\d,]+)$/.exec(tile ?? "")?.[1]?.replace(/,/g, "") ?? NaN);
      const failing = textOfTestId(html, "outbox-failing");
      if (status === 200 && shown > 0) backlogShown += 1;
      scenario.check(
        `Auth0 ${phase.name}: the admin dashboard shows the backlog`,
        status === 200 && shown > 0 && pending > 0,
        `dashboard tile "${tile}", "${failing}"; ${pending} pending in the outbox`,
      );
    }
    scenario.notes.phasesWithBacklogShown = backlogShown;

    await stack.emulator.start();
    await stack.emulator.setFaults({});
    scenario.figures.crashes = stack.emulator.kills();
    scenario.figures.drainSeconds = Math.round((await waitForDrain(240_000)) * 10) / 10;
    await checkOutcome(scenario, { stack, client, requests, people, receiver });
    await receiver.close();
  } finally {
    await stack.stop();
  }
});
