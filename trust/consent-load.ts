// What the trust scenarios share: an API client and people to decide for, a load generator that
// sends consent decisions through the consent API (/api/v1/decisions) with Idempotency-Key and
// retries each unacknowledged one with the same key, a webhook receiver, snapshots of what the
// witness cosigned, and the checks afterwards (ledger, log, outbox, webhooks, Auth0 = ledger).
// Bounded: a fixed number of requests, a deadline, localhost only. Import after startTrustStack.
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { adminActor } from "../test/actors.js";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver.js";
import type { Scenario } from "./scenario.js";
import { waitFor, type TrustStack } from "./stack.js";

export interface ApiClient {
  clientId: string;
  token: string;
  /** The current privacy policy, shown for every grant. */
  privacy: { id: string; textSha256: string };
  /** The purposes a person may give and withdraw through the API. */
  optionalPurposes: string[];
}

/** Registers an API client (consent:read, consent:write) as an admin would, and gets its token. */
export async function registerTrustApiClient(stack: TrustStack): Promise<ApiClient> {
  const { registerApiClient } = await import("../lib/admin/register-api-client.js");
  const { clientId, clientSecret } = await registerApiClient(
    { name: "Trust suite load generator", scopes: ["consent:read", "consent:write"] },
    adminActor(),
  );
  const tokenResponse = await fetch(`${stack.emulator.url}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      audience: stack.env.API_AUDIENCE ?? "https://consent-portal.example/api/v1",
    }),
  });
  if (!tokenResponse.ok) throw new Error(`API token: ${tokenResponse.status} ${await tokenResponse.text()}`);
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}` };
  const purposes = (await (await fetch(`${stack.portal.url}/api/v1/purposes`, { headers })).json()) as {
    purposes: Array<{ key: string; required: boolean }>;
  };
  const versions = (await (
    await fetch(`${stack.portal.url}/api/v1/policy-versions?kind=privacy`, { headers })
  ).json()) as { policyVersions: Array<{ id: string; textSha256: string; current: boolean }> };
  const privacy = versions.policyVersions.find((version) => version.current);
  if (!privacy) throw new Error("no current privacy policy");
  return {
    clientId,
    token,
    privacy: { id: privacy.id, textSha256: privacy.textSha256 },
    optionalPurposes: purposes.purposes.filter((purpose) => !purpose.required).map((purpose) => purpose.key),
  };
}

/** Creates `count` people in Auth0 (the emulator), as another system would; returns their user ids. */
export async function createAuth0People(stack: TrustStack, count: number, tag: string): Promise<string[]> {
  const token = await stack.emulator.managementToken();
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(`${stack.emulator.url}/api/v2/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        email: `trust-${tag}-${index}@example.com`,
        password: "Trust-suite-Pa55word!",
        connection: "Username-Password-Authentication",
      }),
    });
    if (response.status !== 201) throw new Error(`create user: ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { user_id: string }).user_id);
  }
  return ids;
}

export interface DecisionRequest {
  key: string;
  auth0UserId: string;
  purpose: string;
  decision: "granted" | "withdrawn";
  attempts: number;
  /** The 2xx answer's status, once acknowledged. */
  status?: number;
  /** The events the acknowledged answer lists. */
  events: Array<{ id: string; subjectId: string; purpose: string | null; action: string }>;
  /** A 4xx that retrying cannot fix (a bug in the run or the portal). */
  refused?: string;
}

export interface LoadOptions {
  client: ApiClient;
  /** Portal URLs; requests go round robin (two instances share the load). */
  portalUrls: () => string[];
  people: string[];
  /** Requests per person, sent one after the other (each the opposite of the last). */
  perPerson: number;
  /** People decided for at the same time. */
  workers: number;
  /** No new request and no retry after this (Date.now() value). */
  deadline: number;
  runTag: string;
  /** What each person has granted (person → purpose → granted), kept across calls. */
  state?: Map<string, Map<string, boolean>>;
  /** After each acknowledgement, with the number acknowledged so far. */
  onAcknowledged?: (acknowledged: number) => void | Promise<void>;
}

/**
 * One attempt at POST /api/v1/decisions. The status counts only once the whole body has arrived:
 * a portal killed after its headers but before its body has acknowledged nothing the client can
 * read. Refused, reset, cut or timed out attempts answer status 0 (retried by the callers).
 */
export async function postDecisionOnce(
  url: string,
  token: string,
  idempotencyKey: string,
  body: string,
): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(`${url}/api/v1/decisions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "idempotency-key": idempotencyKey,
      },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, text };
  } catch {
    return { status: 0, text: "" };
  }
}

/**
 * Sends every person's decisions, one request at a time per person; an attempt without a 2xx
 * answer (connection refused or reset, timeout, 5xx, 429) is retried with the same key and body
 * until it is acknowledged or the deadline passes.
 */
export async function runDecisionLoad(options: LoadOptions): Promise<DecisionRequest[]> {
  const all: DecisionRequest[] = [];
  let acknowledged = 0;
  let turn = 0;
  const state = options.state ?? new Map<string, Map<string, boolean>>();
  const queue = [...options.people];
  const worker = async () => {
    for (let person = queue.shift(); person; person = queue.shift()) {
      const granted = state.get(person) ?? new Map<string, boolean>();
      state.set(person, granted);
      for (let index = 0; index < options.perPerson && Date.now() < options.deadline; index += 1) {
        const purpose = options.client.optionalPurposes[index % options.client.optionalPurposes.length]!;
        const decision = granted.get(purpose) ? "withdrawn" : "granted";
        const request: DecisionRequest = {
          key: `trust-${options.runTag}-${person.replace(/\W/g, "")}-${index}`,
          auth0UserId: person,
          purpose,
          decision,
          attempts: 0,
          events: [],
        };
        all.push(request);
        const body = JSON.stringify({
          person: { auth0UserId: person },
          decisions: [{ purpose, decision }],
          ...(decision === "granted" ? { shownPolicies: [options.client.privacy] } : {}),
          reason: "trust suite",
        });
        while (Date.now() < options.deadline) {
          request.attempts += 1;
          const urls = options.portalUrls();
          const url = urls[turn++ % urls.length]!;
          const { status, text } = await postDecisionOnce(url, options.client.token, request.key, body);
          if (status >= 200 && status < 300) {
            const answer = JSON.parse(text) as { events: DecisionRequest["events"] };
            request.status = status;
            request.events = answer.events.map(({ id, subjectId, purpose, action }) => ({
              id,
              subjectId,
              purpose,
              action,
            }));
            granted.set(purpose, decision === "granted");
            acknowledged += 1;
            await options.onAcknowledged?.(acknowledged);
            break;
          }
          if (status >= 400 && status < 500 && status !== 429 && status !== 408) {
            request.refused = `${status} ${text.slice(0, 300)}`;
            break;
          }
          await sleep(100 + Math.random() * 200);
        }
        if (request.status === undefined) break; // this person's state is unknown now: stop deciding for them
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, () => worker()));
  return all;
}

/** Receives the portal's webhooks on 127.0.0.1; registered as an admin would (ADR 034). */
export async function startTrustWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver();
  const { registerWebhookEndpoint } = await import("../lib/webhooks/register-webhook-endpoint.js");
  await registerWebhookEndpoint(
    { url: receiver.url, events: ["consent.granted", "consent.withdrawn"], description: "trust suite" },
    adminActor(),
  );
  return receiver;
}

/** Samples the witness's state file: every checkpoint it held during the run. */
export function watchWitness(stack: TrustStack): { seen: Map<number, string>; stop: () => void } {
  const seen = new Map<number, string>();
  const sample = () => {
    try {
      const state = JSON.parse(readFileSync(stack.witness!.stateFile, "utf8")) as {
        logs: Record<string, { size: number; root: string }>;
      };
      for (const log of Object.values(state.logs)) seen.set(log.size, log.root);
    } catch {
      // not written yet, or being replaced
    }
  };
  const timer = setInterval(sample, 500);
  return {
    seen,
    stop: () => {
      clearInterval(timer);
      sample();
    },
  };
}

/** Waits until the Auth0 outbox, the webhooks and the log queue are empty; returns the seconds it took. */
export async function waitForDrain(timeoutMs = 120_000): Promise<number> {
  const { db } = await import("../lib/db/client.js");
  const started = performance.now();
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
    { timeoutMs, everyMs: 250 },
  );
  return (performance.now() - started) / 1000;
}

/** The ledger idempotency key prefix the API derives from a client's key (record-consent-decisions.ts). */
function ledgerKeyOf(clientId: string, key: string): string {
  return `api.${createHash("sha256").update(`${clientId}\n${key}`).digest("hex").slice(0, 40)}`;
}

/**
 * The checks every scenario ends with: each acknowledged decision in the ledger exactly once and
 * nothing recorded twice; every chain and the log verify; the final checkpoint is consistent with
 * every checkpoint the witness held; every event reached the webhook receiver; Auth0's
 * user_metadata equals the ledger for every person.
 */
export async function checkOutcome(
  scenario: Scenario,
  input: {
    stack: TrustStack;
    client: ApiClient;
    requests: DecisionRequest[];
    people: string[];
    receiver?: WebhookReceiver;
    witnessed?: Map<number, string>;
  },
): Promise<void> {
  const { db } = await import("../lib/db/client.js");
  const { verifyLedger } = await import("../lib/ledger/verify-ledger.js");
  const { readConsentMetadata } = await import("../lib/consent/read-consent-metadata.js");
  const { requests, client } = input;
  const figures = scenario.figures;
  figures.sent = requests.length;
  const acknowledged = requests.filter((request) => request.status !== undefined);
  figures.acknowledged = acknowledged.length;
  scenario.notes.attempts = requests.reduce((sum, request) => sum + request.attempts, 0);
  const refused = requests.filter((request) => request.refused);
  scenario.check(
    "every decision was acknowledged (retries with the same key)",
    acknowledged.length === requests.length,
    `${acknowledged.length} of ${requests.length}${refused.length ? `; refused: ${refused[0]!.refused}` : ""}`,
  );

  const events = await db().consentEvent.findMany({
    where: { actorType: "api_client" },
    select: { id: true, subjectId: true, idempotencyKey: true, action: true },
  });
  const byLedgerKey = new Map<string, typeof events>();
  for (const event of events) {
    const prefix = event.idempotencyKey.replace(/\.(grant|withdraw)$/, "");
    byLedgerKey.set(prefix, [...(byLedgerKey.get(prefix) ?? []), event]);
  }
  let found = 0;
  let duplicates = 0;
  const missing: string[] = [];
  const asked = new Set<string>();
  for (const request of requests) {
    const prefix = ledgerKeyOf(client.clientId, request.key);
    asked.add(prefix);
    const recorded = byLedgerKey.get(prefix) ?? [];
    duplicates += Math.max(0, recorded.length - 1);
    if (request.status === undefined) continue;
    const answered = request.events[0];
    const match =
      request.events.length === 1 &&
      recorded.length === 1 &&
      recorded[0]!.id === answered!.id &&
      recorded[0]!.action === request.decision;
    if (match) found += 1;
    else missing.push(`${request.key} (answered ${request.events.length} event(s), ledger holds ${recorded.length})`);
  }
  // Events nobody asked for (a key we never sent) count as duplicates too.
  for (const [prefix, recorded] of byLedgerKey) if (!asked.has(prefix)) duplicates += recorded.length;
  figures.found = found;
  figures.duplicates = duplicates;
  scenario.check(
    "every acknowledged decision is in the ledger exactly once",
    found === acknowledged.length && missing.length === 0,
    `${found} of ${acknowledged.length}${missing.length ? `; first missing: ${missing[0]}` : ""}`,
  );
  scenario.check("no decision recorded twice or unasked", duplicates === 0, `${duplicates} duplicate(s)`);

  const verification = await verifyLedger({});
  scenario.check(
    "every chain, the projection and the log verify (ledger:verify)",
    verification.ok,
    `${verification.events} events of ${verification.subjects} subjects; log ${verification.log.size} entries, witnesses hold ${verification.log.witnessedSize ?? "none"}` +
      (verification.ok
        ? ""
        : `; ${verification.firstBroken?.message ?? verification.projectionMismatches[0]?.message ?? verification.log.problems[0]?.message}`),
  );

  if (input.witnessed) {
    const { readCheckpoints } = await import("../lib/transparency/read-checkpoints.js");
    const { readConsistencyProof } = await import("../lib/transparency/read-proofs.js");
    const { verifyConsistency } = await import("../lib/tlog/merkle.js");
    const { fromBase64 } = await import("../lib/tlog/bytes.js");
    const [latest] = await readCheckpoints({ limit: 1 });
    const inconsistent: number[] = [];
    for (const [size, root] of input.witnessed) {
      const proof = await readConsistencyProof(size, latest!.size);
      const ok = verifyConsistency({
        size1: size,
        size2: latest!.size,
        root1: fromBase64(root)!,
        root2: latest!.rootHash,
        proof,
      });
      if (!ok) inconsistent.push(size);
    }
    scenario.notes.witnessedCheckpoints = input.witnessed.size;
    scenario.check(
      "the final checkpoint is consistent with every checkpoint the witness cosigned during the run",
      input.witnessed.size > 0 && inconsistent.length === 0,
      `${input.witnessed.size} cosigned checkpoints up to size ${Math.max(0, ...input.witnessed.keys())}, final size ${latest!.size}` +
        (inconsistent.length ? `; inconsistent: ${inconsistent.join(", ")}` : ""),
    );
  }

  if (input.receiver) {
    const received = new Set(input.receiver.received.map((request) => request.headers["webhook-id"]));
    const all = await db().consentEvent.findMany({
      where: { action: { in: ["granted", "withdrawn"] } },
      select: { id: true },
    });
    const undelivered = all.filter((event) => !received.has(`msg_${event.id.replaceAll("-", "")}`));
    scenario.notes.webhooksReceived = input.receiver.received.length;
    scenario.notes.webhookRedeliveries = input.receiver.received.length - received.size;
    scenario.check(
      "every consent event reached the webhook receiver",
      undelivered.length === 0,
      `${all.length - undelivered.length} of ${all.length} events (${input.receiver.received.length} deliveries received)`,
    );
  }

  const token = await input.stack.emulator.managementToken();
  const differing: string[] = [];
  const subjects = await db().subject.findMany({
    where: { auth0UserId: { in: input.people } },
    select: { id: true, auth0UserId: true },
  });
  for (const subject of subjects) {
    const response = await fetch(
      `${input.stack.emulator.url}/api/v2/users/${encodeURIComponent(subject.auth0UserId!)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const user = (await response.json()) as { user_metadata?: { consent?: unknown } };
    const expected = await readConsentMetadata(subject.id);
    if (!isDeepStrictEqual(user.user_metadata?.consent, JSON.parse(JSON.stringify(expected)))) {
      differing.push(subject.auth0UserId!);
    }
  }
  scenario.check(
    "Auth0's user_metadata equals the ledger for every person",
    subjects.length > 0 && differing.length === 0,
    `${subjects.length - differing.length} of ${subjects.length} people${differing.length ? `; first differing: ${differing[0]}` : ""}`,
  );
}
