// Trust scenario (issue 17 point 5, ADR 039): two portal processes on one PostgreSQL primary,
// plus a streaming replica that staff search, exports and the change feed read. A concurrent
// stream of consent decisions is split across both instances, one instance is killed with -9
// mid-stream, and afterwards: one sequencer at a time (contiguous log, no leaf twice), every
// acknowledged decision in the ledger once, no outbox message or webhook sent twice, Auth0 equals
// the ledger, sessions and rate limits shared, the replica never ahead of the primary, a person's
// own reads see their writes at once. Import lib modules only after startTrustStack.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import { adminActor } from "../test/actors.js";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver.js";
import { postDecisionOnce } from "./consent-load.js";
import { startStackReplica, type StackReplica } from "./stack-replica.js";
import { runScenario, type Scenario } from "./scenario.js";
import { freePort, startTrustStack, waitFor, type TrustStack } from "./stack.js";

const PEOPLE = 24;
const DECISIONS_PER_PERSON = 6;
const WORKERS = 12;
/** The stream's deadline: the whole scenario must stay within 90 s on a quiet 2-core machine. */
const STREAM_MS = 40_000;
const PASSWORD = "Trust-suite-Pa55word!";

interface Api {
  clientId: string;
  token: string;
  privacy: { id: string; textSha256: string };
  purposes: string[];
}

interface Decision {
  key: string;
  person: string;
  purpose: string;
  decision: "granted" | "withdrawn";
  attempts: number;
  acknowledged: boolean;
  eventIds: string[];
  refused?: string;
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function registerApi(stack: TrustStack): Promise<Api> {
  const { registerApiClient } = await import("../lib/admin/register-api-client.js");
  const { clientId, clientSecret } = await registerApiClient(
    { name: "Two-instance load", scopes: ["consent:read", "consent:write", "events:read"] },
    adminActor(),
  );
  const { access_token: token } = await json<{ access_token: string }>(
    await fetch(`${stack.emulator.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
        audience: "https://consent-portal.example/api/v1",
      }),
    }),
    "API token",
  );
  const headers = { authorization: `Bearer ${token}` };
  const { purposes } = await json<{ purposes: Array<{ key: string; required: boolean }> }>(
    await fetch(`${stack.portal.url}/api/v1/purposes`, { headers }),
    "purposes",
  );
  const { policyVersions } = await json<{
    policyVersions: Array<{ id: string; textSha256: string; current: boolean }>;
  }>(await fetch(`${stack.portal.url}/api/v1/policy-versions?kind=privacy`, { headers }), "policy versions");
  const privacy = policyVersions.find((version) => version.current)!;
  return {
    clientId,
    token,
    privacy: { id: privacy.id, textSha256: privacy.textSha256 },
    purposes: purposes.filter((purpose) => !purpose.required).map((purpose) => purpose.key),
  };
}

async function createPeople(
  stack: TrustStack,
  count: number,
  tag: string,
): Promise<Array<{ id: string; email: string }>> {
  const token = await stack.emulator.managementToken();
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const email = `two-${tag}-${index}@example.com`;
      const user = await json<{ user_id: string }>(
        await fetch(`${stack.emulator.url}/api/v2/users`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({
            email,
            password: PASSWORD,
            connection: "Username-Password-Authentication",
            email_verified: true,
          }),
        }),
        "create user",
      );
      return { id: user.user_id, email };
    }),
  );
}

/** One decision through /api/v1/decisions, retried with the same key until acknowledged or the deadline. */
async function decide(api: Api, urls: () => string[], request: Decision, deadline: number, turn: { next: number }) {
  const body = JSON.stringify({
    person: { auth0UserId: request.person },
    decisions: [{ purpose: request.purpose, decision: request.decision }],
    ...(request.decision === "granted" ? { shownPolicies: [api.privacy] } : {}),
    reason: "two-instance trust scenario",
  });
  while (Date.now() < deadline) {
    request.attempts += 1;
    const list = urls();
    const url = list[turn.next++ % list.length]!;
    const { status, text } = await postDecisionOnce(url, api.token, request.key, body);
    if (status >= 200 && status < 300) {
      request.acknowledged = true;
      request.eventIds = (JSON.parse(text) as { events: Array<{ id: string }> }).events.map((event) => event.id);
      return;
    }
    if (status >= 400 && status < 500 && status !== 429 && status !== 408) {
      request.refused = `${status} ${text.slice(0, 200)}`;
      return;
    }
    await sleep(100);
  }
}

/** A fetch-based browser: one cookie jar for `localhost` (cookies ignore the port, as browsers do). */
class Browser {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...init.headers, cookie: this.header() },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const at = pair!.indexOf("=");
      const value = pair!.slice(at + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(header) || value === "") this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
    return response;
  }
  /** Follows redirects (across the portal and the emulator) until an answer that is not one. */
  async follow(url: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.get(url, init);
    for (let hop = 0; hop < 12 && response.status >= 300 && response.status < 400; hop += 1) {
      url = new URL(response.headers.get("location")!, url).toString();
      await response.body?.cancel();
      response = await this.get(url);
    }
    return response;
  }
}

/** Signs in at `portalUrl` through the emulator's login page, as a browser would. */
async function signIn(browser: Browser, portalUrl: string, email: string): Promise<void> {
  // The emulator's login page takes the form at its own URL (test/emulator.ts does the same).
  const loginPage = await browser.follow(`${portalUrl}/auth/login`);
  await loginPage.body?.cancel();
  if (loginPage.status !== 200 || !loginPage.url.includes("/u/login/")) {
    throw new Error(`expected the emulator's login page, got ${loginPage.status} at ${loginPage.url}`);
  }
  const submitted = await browser.get(loginPage.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password: PASSWORD }),
  });
  const location = submitted.headers.get("location");
  if (!location) throw new Error(`sign-in refused: ${submitted.status}`);
  await (await browser.follow(new URL(location, loginPage.url).toString())).body?.cancel();
}

/** True when `portalUrl` treats the browser's cookie as a live session (its page is not the sign-in). */
async function signedIn(browser: Browser, portalUrl: string): Promise<boolean> {
  const response = await browser.get(`${portalUrl}/me/consents`);
  await response.body?.cancel();
  const location = response.headers.get("location") ?? "";
  return (
    response.status === 200 || (response.status >= 300 && response.status < 400 && !location.includes("/auth/login"))
  );
}

export async function twoInstances(scenario: Scenario): Promise<void> {
  const replicaPort = await freePort();
  const stack = await startTrustStack({
    name: "two-instances",
    portals: 2,
    witness: false,
    portalEnv: {
      DATABASE_REPLICA_URL: `postgresql://consent_portal@localhost:${replicaPort}/consent_portal`,
      // Real limits: this scenario shows one instance counts what the other saw.
      RATE_LIMIT_SCALE: "1",
    },
  });
  let replica: StackReplica | undefined;
  let receiver: WebhookReceiver | undefined;
  try {
    replica = await startStackReplica(stack.postgres, stack.dir, replicaPort);
    const { db } = await import("../lib/db/client.js");
    const urls = () => stack.portals.map((portal) => portal.url);
    const api = await registerApi(stack);
    receiver = await startWebhookReceiver();
    const { registerWebhookEndpoint } = await import("../lib/webhooks/register-webhook-endpoint.js");
    await registerWebhookEndpoint(
      { url: receiver.url, events: ["consent.granted", "consent.withdrawn"], description: "two instances" },
      adminActor(),
    );
    const tag = randomUUID().slice(0, 8);
    const people = await createPeople(stack, PEOPLE + 1, tag);
    const signer = people.pop()!;

    // Sessions: made on instance 1, honoured on instance 2; ended on instance 2, gone on instance 1.
    const browser = new Browser();
    await signIn(browser, stack.portals[0]!.url, signer.email);
    const onOne = await signedIn(browser, stack.portals[0]!.url);
    const onTwo = await signedIn(browser, stack.portals[1]!.url);
    const staleCookie = browser.header();
    await (await browser.follow(`${stack.portals[1]!.url}/auth/logout`)).body?.cancel();
    const afterLogout = await fetch(`${stack.portals[0]!.url}/me/consents`, {
      redirect: "manual",
      headers: { cookie: staleCookie },
    });
    await afterLogout.body?.cancel();
    scenario.check(
      "a session made on instance 1 works on instance 2, and signing out on instance 2 ends it on instance 1",
      onOne && onTwo && (afterLogout.headers.get("location") ?? "").includes("/auth/login"),
      `instance 1: ${onOne}, instance 2: ${onTwo}, old cookie after sign-out: ${afterLogout.status} → ${afterLogout.headers.get("location")}`,
    );

    // The stream, split across both instances (round robin per request); instance 2 is killed mid-stream.
    const requests: Decision[] = [];
    const deadline = Date.now() + STREAM_MS;
    const turn = { next: 0 };
    let acknowledged = 0;
    let killed = false;
    let feedAfter = -1;
    let replicaAhead = 0;
    let feedReads = 0;
    let sampling = true;
    const killAt = Math.round((PEOPLE * DECISIONS_PER_PERSON) / 3);
    // Meanwhile, the change feed (from the replica) is read through both instances; everything it
    // shows must already be on the primary.
    const sampler = (async () => {
      while (sampling) {
        const url = urls()[feedReads % 2]!;
        feedReads += 1;
        try {
          const page = await json<{ events: Array<{ id: string; hash: string }>; nextAfter: number }>(
            await fetch(`${url}/api/v1/events?after=${feedAfter}&limit=500`, {
              headers: { authorization: `Bearer ${api.token}` },
              signal: AbortSignal.timeout(10_000),
            }),
            "feed",
          );
          if (page.events.length) {
            const onPrimary = await db().consentEvent.findMany({
              where: { id: { in: page.events.map((event) => event.id) } },
              select: { id: true, hash: true },
            });
            const known = new Map(onPrimary.map((row) => [row.id, row.hash]));
            replicaAhead += page.events.filter((event) => known.get(event.id) !== event.hash).length;
          }
          feedAfter = page.nextAfter;
        } catch {
          // the instance asked was being killed: the next read goes to the other
        }
        await sleep(200);
      }
    })();
    const started = performance.now();
    const queue = people.map((person) => person.id);
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        for (let person = queue.shift(); person; person = queue.shift()) {
          const given = new Map<string, boolean>();
          for (let index = 0; index < DECISIONS_PER_PERSON && Date.now() < deadline; index += 1) {
            const purpose = api.purposes[index % api.purposes.length]!;
            const request: Decision = {
              key: `two-${tag}-${person.replace(/\W/g, "")}-${index}`,
              person,
              purpose,
              decision: given.get(purpose) ? "withdrawn" : "granted",
              attempts: 0,
              acknowledged: false,
              eventIds: [],
            };
            requests.push(request);
            await decide(api, urls, request, deadline, turn);
            if (!request.acknowledged) break;
            given.set(purpose, request.decision === "granted");
            acknowledged += 1;
            if (!killed && acknowledged >= killAt) {
              killed = true;
              await stack.portals[1]!.kill(); // its supervisor starts it again
            }
          }
        }
      }),
    );
    const streamSeconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    await stack.portals[1]!.waitUntilAnswering();
    scenario.figures.crashes = stack.portals[1]!.kills();
    scenario.notes.decisionsPerSecond = Number(
      (requests.filter((r) => r.acknowledged).length / streamSeconds).toFixed(1),
    );
    scenario.notes.streamSeconds = Number(streamSeconds.toFixed(1));
    scenario.notes.attempts = requests.reduce((sum, request) => sum + request.attempts, 0);
    scenario.notes.feedReadsFromReplica = feedReads;

    // Read-your-writes while the replica is held back: the person's consent (primary) shows the
    // new decision through the other instance at once; the feed (replica) shows it only after replay.
    await replica.waitForReplay();
    await replica.pauseReplay();
    const [person] = people;
    const probe: Decision = {
      key: `two-${tag}-probe`,
      person: person!.id,
      purpose: api.purposes[0]!,
      decision: "granted",
      attempts: 0,
      acknowledged: false,
      eventIds: [],
    };
    const current = await json<{ purposes: Array<{ purpose: string; status: string }> }>(
      await fetch(`${urls()[1]}/api/v1/consent?auth0UserId=${encodeURIComponent(person!.id)}`, {
        headers: { authorization: `Bearer ${api.token}` },
      }),
      "consent",
    );
    const before = current.purposes.find((row) => row.purpose === probe.purpose)?.status;
    probe.decision = before === "granted" ? "withdrawn" : "granted";
    await decide(api, () => [urls()[0]!], probe, Date.now() + 15_000, { next: 0 });
    await waitFor(
      "the probe's log entry",
      async () => (await db().logLeaf.count({ where: { rowId: probe.eventIds[0] } })) === 1,
    );
    const readBack = await json<{ purposes: Array<{ purpose: string; status: string }> }>(
      await fetch(`${urls()[1]}/api/v1/consent?auth0UserId=${encodeURIComponent(person!.id)}`, {
        headers: { authorization: `Bearer ${api.token}` },
      }),
      "consent",
    );
    const feedHas = async () => {
      const page = await json<{ events: Array<{ id: string }> }>(
        await fetch(`${urls()[1]}/api/v1/events?after=${feedAfter}&limit=1000`, {
          headers: { authorization: `Bearer ${api.token}` },
        }),
        "feed",
      );
      return page.events.some((event) => event.id === probe.eventIds[0]);
    };
    const inFeedWhilePaused = await feedHas();
    await replica.resumeReplay();
    await replica.waitForReplay();
    const inFeedAfterReplay = await feedHas();
    scenario.check(
      "a decision is read back at once from the primary through the other instance; the replica's feed shows it only once replayed",
      probe.acknowledged &&
        readBack.purposes.find((row) => row.purpose === probe.purpose)?.status === probe.decision &&
        !inFeedWhilePaused &&
        inFeedAfterReplay,
      `read back: ${readBack.purposes.find((row) => row.purpose === probe.purpose)?.status} (sent ${probe.decision}); in the feed while replay paused: ${inFeedWhilePaused}, after: ${inFeedAfterReplay}`,
    );
    scenario.check(
      "the replica never showed a decision the primary lacks",
      replicaAhead === 0 && feedReads > 0,
      `${feedReads} feed reads through both instances, ${replicaAhead} event(s) not on the primary`,
    );

    // Drain: the Auth0 outbox, the webhooks and the log queue.
    const drainStarted = performance.now();
    await waitFor(
      "the outbox, the webhooks and the log queue to drain",
      async () => {
        const [outbox, webhooks, queued] = await Promise.all([
          db().outboxMessage.count({ where: { status: "pending" } }),
          db().webhookDelivery.count({ where: { status: "pending" } }),
          db().logQueue.count(),
        ]);
        return outbox + webhooks + queued === 0;
      },
      { timeoutMs: 60_000, everyMs: 250 },
    );
    scenario.figures.drainSeconds = Number(((performance.now() - drainStarted) / 1000).toFixed(1));

    // Acknowledged = recorded once.
    const all = [...requests, probe];
    const ackd = all.filter((request) => request.acknowledged);
    scenario.figures.sent = all.length;
    scenario.figures.acknowledged = ackd.length;
    const apiEvents = await db().consentEvent.findMany({ where: { actorType: "api_client" }, select: { id: true } });
    const recorded = new Set(apiEvents.map((event) => event.id));
    const answered = ackd.flatMap((request) => request.eventIds);
    scenario.figures.found = answered.filter((id) => recorded.has(id)).length;
    scenario.figures.duplicates = apiEvents.length - new Set(answered).size;
    const refused = all.find((request) => request.refused);
    scenario.check(
      "every decision was acknowledged, by one instance or the other",
      ackd.length === all.length,
      `${ackd.length} of ${all.length}${refused ? `; refused: ${refused.refused}` : ""}`,
    );
    scenario.check(
      "every acknowledged decision is in the ledger exactly once, and nothing else was recorded",
      scenario.figures.found === answered.length &&
        answered.length === ackd.length &&
        scenario.figures.duplicates === 0,
      `${scenario.figures.found} of ${answered.length} answered events found; ${apiEvents.length} API events in the ledger`,
    );

    // One sequencer at a time: indexes 0…n-1 with no gap and no row twice.
    const [log] = await db().$queryRaw<Array<{ leaves: bigint; top: bigint | null; distinctRows: bigint }>>`
      SELECT count(*) AS leaves, max(log_index) AS top, count(DISTINCT (kind, row_id)) AS "distinctRows" FROM "LogLeaf"`;
    const contiguous = log!.top !== null && log!.leaves === log!.top + 1n && log!.distinctRows === log!.leaves;
    const { verifyLedger } = await import("../lib/ledger/verify-ledger.js");
    const verification = await verifyLedger({});
    scenario.check(
      "one sequencer at a time: log indexes contiguous, no entry twice; every chain and the log verify",
      contiguous && verification.ok,
      `${log!.leaves} leaves, highest index ${log!.top}, ${log!.distinctRows} distinct rows; ledger:verify ${verification.ok ? "ok" : "FAILED"}`,
    );

    // No outbox message or webhook sent twice (a delivery taken over after the kill may be, once:
    // its lease had to run out, so its attempts say so).
    const retried = await db().outboxMessage.count({ where: { attempts: { gt: 1 } } });
    const deliveries = await db().webhookDelivery.findMany({ select: { messageId: true, attempts: true } });
    const attemptsOf = new Map(deliveries.map((row) => [row.messageId, row.attempts]));
    const seen = new Map<string, number>();
    for (const request of receiver.received) {
      const id = request.headers["webhook-id"]!;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, count]) => count > 1);
    const unexplained = twice.filter(([id]) => (attemptsOf.get(id) ?? 0) < 2);
    const events = await db().consentEvent.count({ where: { action: { in: ["granted", "withdrawn"] } } });
    scenario.notes.outboxRetried = retried;
    scenario.notes.webhookRedeliveries = twice.length;
    scenario.check(
      "every event's webhook arrived, none twice from two instances; the Auth0 outbox drained",
      seen.size === events && unexplained.length === 0,
      `${seen.size} of ${events} events delivered; ${twice.length} redelivered after the kill (lease ran out), ${unexplained.length} unexplained; ${retried} outbox message(s) retried`,
    );

    // Auth0 equals the ledger for every person.
    const { readConsentMetadata } = await import("../lib/consent/read-consent-metadata.js");
    const token = await stack.emulator.managementToken();
    const subjects = await db().subject.findMany({
      where: { auth0UserId: { in: people.map((each) => each.id) } },
      select: { id: true, auth0UserId: true },
    });
    let differing = 0;
    for (const subject of subjects) {
      const user = await json<{ user_metadata?: { consent?: unknown } }>(
        await fetch(`${stack.emulator.url}/api/v2/users/${encodeURIComponent(subject.auth0UserId!)}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        "user",
      );
      const expected = JSON.parse(JSON.stringify(await readConsentMetadata(subject.id))) as unknown;
      if (!isDeepStrictEqual(user.user_metadata?.consent, expected)) differing += 1;
    }
    scenario.check(
      "Auth0's user_metadata equals the ledger for every person",
      subjects.length === people.length && differing === 0,
      `${subjects.length - differing} of ${people.length} people`,
    );

    // After catch-up the replica holds exactly what the primary holds.
    await replica.waitForReplay();
    const { replicaDb } = await import("../lib/db/client.js");
    const onReplica = await replicaDb()!.consentEvent.findMany({ select: { id: true, hash: true } });
    const onPrimary = await db().consentEvent.findMany({ select: { id: true, hash: true } });
    const primaryHashes = new Map(onPrimary.map((row) => [row.id, row.hash]));
    scenario.check(
      "after catch-up nothing from the primary is missing on the replica",
      onReplica.length === onPrimary.length && onReplica.every((row) => primaryHashes.get(row.id) === row.hash),
      `${onReplica.length} events on the replica, ${onPrimary.length} on the primary`,
    );

    // Rate limits: sign-in starts from this address, alternating instances, until one refuses.
    let tries = 0;
    let refusedAt = 0;
    const perInstance = [0, 0];
    while (tries < 200 && !refusedAt) {
      const which = tries % 2;
      tries += 1;
      const response = await fetch(`${urls()[which]}/auth/login`, { redirect: "manual" });
      await response.body?.cancel();
      if (response.status === 429) refusedAt = tries;
      else perInstance[which]! += 1;
    }
    // The sign-in above counted once; the limit is 60 sign-in starts per address in 10 minutes.
    scenario.check(
      "rate limits are shared: sign-in starts counted on both instances together",
      refusedAt === 60 && Math.max(...perInstance) < 60,
      `refused at try ${refusedAt} (instance 1 let ${perInstance[0]} through, instance 2 ${perInstance[1]}; one earlier sign-in)`,
    );
  } finally {
    await receiver?.close();
    await replica?.stop().catch((error: unknown) => console.error(error));
    await stack.stop();
  }
}

// Run as its own process by trust/run.ts, like the other scenarios.
await runScenario("two-instances", twoInstances);
