// Issue 17 point 4: the witness is down (its process killed). Decisions are still recorded and
// answered; checkpoints wait for cosignatures (receipts carry no proof yet) and the integrity
// page says how old the last witnessed checkpoint is; once the witness is back, cosigning
// catches up and the receipts get their proofs.
import { runScenario } from "./scenario.js";
import { startTrustStack, waitFor } from "./stack.js";
import { signIn, textOfTestId } from "./sign-in.js";
import {
  checkOutcome,
  createAuth0People,
  registerTrustApiClient,
  runDecisionLoad,
  waitForDrain,
  watchWitness,
  type DecisionRequest,
} from "./consent-load.js";

const PEOPLE = 8;
const PER_PHASE = 4;

await runScenario("witness-outage", async (scenario) => {
  const stack = await startTrustStack({ name: "witness-outage" });
  try {
    const { readLogStatus } = await import("../lib/transparency/read-log-status.js");
    const { readCheckpoints } = await import("../lib/transparency/read-checkpoints.js");
    const client = await registerTrustApiClient(stack);
    const people = await createAuth0People(stack, PEOPLE, "witness");
    const compliance = await signIn(stack.portal.url, "compliance@demo.test");
    const witness = watchWitness(stack);
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
        runTag: `witness-${tag}`,
        state,
      });
      requests.push(...sent);
      return sent;
    };
    /** Whether the witnesses hold the latest checkpoint. */
    const caughtUp = async () => {
      const [status, [latest]] = await Promise.all([readLogStatus(), readCheckpoints({ limit: 1 })]);
      return status.pending === 0 && status.witnessed !== null && status.witnessed.size === latest?.size;
    };
    const receiptProof = async (eventId: string) => {
      const response = await fetch(`${stack.portal.url}/api/v1/receipts/${eventId}`, {
        headers: { authorization: `Bearer ${client.token}` },
      });
      return ((await response.json()) as { proof: unknown }).proof;
    };

    await load("before");
    await waitFor("the witness to cosign the first decisions", caughtUp);
    const before = (await readLogStatus()).witnessed!.size;

    await stack.witness!.kill();
    const sent = await load("down");
    const acknowledged = sent.filter((request) => request.status !== undefined);
    scenario.check(
      "witness down: decisions are still recorded and answered",
      acknowledged.length === sent.length && sent.length > 0,
      `${acknowledged.length} of ${sent.length} acknowledged`,
    );
    await waitFor("the log to integrate the decisions", async () => (await readLogStatus()).pending === 0);
    // The sequencer signs checkpoints without waiting for the witness: wait for one it has not cosigned.
    await waitFor("a checkpoint the witness has not cosigned", async () => {
      const [newest] = await readCheckpoints({ limit: 1 });
      return (newest?.size ?? 0) > before;
    });
    const status = await readLogStatus();
    const [latest] = await readCheckpoints({ limit: 1 });
    scenario.check(
      "witness down: new checkpoints are signed but wait for a cosignature",
      latest!.size > before && status.witnessed?.size === before,
      `latest checkpoint ${latest!.size} entries, witnessed ${status.witnessed?.size ?? "none"}`,
    );
    const duringOutage = acknowledged.at(-1)!.events[0]!.id;
    scenario.check(
      "witness down: a receipt of a new decision has no proof yet",
      (await receiptProof(duringOutage)) === null,
    );
    const page = await compliance.page("/compliance/integrity");
    const text = textOfTestId(page.html, "log-status") ?? "";
    scenario.check(
      "witness down: the integrity page says how old the last witnessed checkpoint is",
      page.status === 200 && /ago/.test(text) && text.includes(`${before.toLocaleString("en")} entries`),
      `"${text}"`,
    );

    await stack.witness!.start();
    const back = performance.now();
    await waitFor("cosigning to catch up", caughtUp, { timeoutMs: 60_000 });
    scenario.figures.drainSeconds = Math.round((performance.now() - back) / 100) / 10;
    const after = (await readLogStatus()).witnessed!.size;
    scenario.check(
      "witness back: cosigning catches up with the latest checkpoint",
      after >= latest!.size,
      `witnessed ${after} entries (was ${before}) ${scenario.figures.drainSeconds} s after the witness returned`,
    );
    scenario.check(
      "witness back: the receipt of a decision made during the outage has its proof",
      (await receiptProof(duringOutage)) !== null,
    );
    scenario.figures.crashes = stack.witness!.kills();

    await waitForDrain();
    witness.stop();
    await checkOutcome(scenario, { stack, client, requests, people, witnessed: witness.seen });
  } finally {
    await stack.stop();
  }
});
