import "server-only";
import { randomUUID } from "node:crypto";
import { systemActor } from "@/lib/auth/actor";
import { publishPolicyVersion } from "@/lib/admin/publish-policy-version";
import { computeEmailBlindIndex, computeUserAgentHash } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey, userAgentHashKey } from "@/lib/crypto/ledger-keys";
import { db, type Tx } from "@/lib/db/client";
import type { ConsentEvent, ConsentState, PolicyVersion, Prisma } from "@/lib/generated/prisma/client";
import { computeEventHash, CURRENT_HASH_FORMAT, fingerprintRequest, GENESIS_HASH } from "@/lib/ledger/event-hash";
import { projectEvent } from "@/lib/ledger/project-consent-state";
import { currentPurposeVersions, listPurposeVersions } from "@/lib/policies/read-purpose-versions";
import { seededRandom } from "@/lib/seeded-random";
import { sealNewProfile } from "@/lib/subjects/subject-profile";
import { enqueueLeaves } from "@/lib/transparency/enqueue-leaves";
import { consentEventLeaf } from "@/lib/transparency/leaf-data";
import { PRIVACY_V2, PRIVACY_V2_SUMMARY } from "./consent-catalog";

/** Marks a database that holds the generated history (the dashboard says so). */
export const DEMO_HISTORY_KEY = "demo.history";
const DAY = 86_400_000;

interface DemoHistoryPerson {
  auth0UserId: string;
  email: string;
  name: string;
}

export interface DemoHistoryOptions {
  people: DemoHistoryPerson[];
  /** How far back the history goes; the catalog's first versions are dated at its start. */
  weeks: number;
  now?: Date;
  /** The generator's seed: the same seed makes the same history. */
  seed?: number;
}

interface Decision {
  at: Date;
  method: "signup" | "portal" | "reconsent" | "email_confirmation";
  granted: string[];
  withdrawn: string[];
  /** Email purposes asked for before the address was verified (ADR 040): pending until confirmed. */
  requested?: string[];
  /** When the wording confirmed was shown (the request's time). */
  shownAt?: Date;
}

/** Purposes that wait for a verified address when asked for at sign-up (the catalogue marks them). */
const EMAIL_PURPOSES = new Set(["marketing-email"]);

/**
 * One person's decisions: sign-up (the Terms and some optional purposes), later changes of mind,
 * and, for people who joined before Privacy Policy 2, the re-consent it asked for (most renew,
 * some let an optional consent lapse, some have not come back yet).
 */
function decisionsOf(
  random: () => number,
  start: number,
  now: number,
  reconsentAt: number,
): { decisions: Decision[]; verifiedAt: Date } {
  // More people join recently than at the start, as a growing service sees.
  const joined = start + (now - start) * Math.sqrt(random()) - random() * DAY;
  const at = (time: number) => new Date(Math.min(time, now - 60_000));
  const optional = [
    random() < 0.38 ? "marketing-email" : null,
    random() < 0.62 ? "analytics" : null,
    random() < 0.21 ? "product-research" : null,
  ].filter((key): key is string => key !== null);
  const held = new Set(optional);
  // The address is verified within minutes to hours of signing up; email purposes wait for it.
  const verified = joined + (2 + random() * 180) * 60_000;
  const requested = optional.filter((key) => EMAIL_PURPOSES.has(key));
  const decisions: Decision[] = [
    {
      at: at(joined),
      method: "signup",
      granted: ["terms", ...optional.filter((key) => !EMAIL_PURPOSES.has(key))],
      withdrawn: [],
      requested,
    },
  ];
  if (requested.length) {
    decisions.push({
      at: at(verified),
      method: "email_confirmation",
      granted: requested,
      withdrawn: [],
      shownAt: at(joined),
    });
  }
  const later = (from: number) => from + random() * Math.max(now - from, 0);
  if (held.has("marketing-email") && random() < 0.22) {
    decisions.push({ at: at(later(verified)), method: "portal", granted: [], withdrawn: ["marketing-email"] });
    held.delete("marketing-email");
  }
  if (!held.has("product-research") && random() < 0.08) {
    decisions.push({ at: at(later(verified)), method: "portal", granted: ["product-research"], withdrawn: [] });
    held.add("product-research");
  }
  decisions.sort((a, b) => a.at.getTime() - b.at.getTime());
  if (joined < reconsentAt && random() < 0.74) {
    const renewedAt = at(reconsentAt + random() * Math.min(5 * 7 * DAY, now - reconsentAt));
    const current = new Set(held);
    for (const decision of decisions.filter((d) => d.at < renewedAt)) {
      for (const key of decision.withdrawn) current.delete(key);
      for (const key of decision.granted) current.add(key);
    }
    const lapsed = [...current].filter((key) => key !== "terms" && random() < 0.12);
    const renewed = [...current].filter((key) => key !== "terms" && !lapsed.includes(key));
    decisions.push({ at: renewedAt, method: "reconsent", granted: ["terms", ...renewed], withdrawn: lapsed });
    decisions.sort((a, b) => a.at.getTime() - b.at.getTime());
  }
  return { decisions, verifiedAt: at(verified) };
}

const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
];

/**
 * Seeds months of realistic, clearly generated history for `npm start`'s demo: people who
 * signed up over the period, changes of mind, a Privacy Policy version that asked for
 * re-consent, so every chart, search page and export shows something real. Written as the
 * ledger writes (hash chains, projection, log leaves queued), dated in the past; it runs only
 * before the transparency log has its first checkpoint, so the history is logged at the log's
 * start and the verifier's back-dating rule holds (ADR 028). Returns what it recorded, or null
 * when the database already has a log or the history.
 */
export async function seedDemoHistory(options: DemoHistoryOptions): Promise<{ people: number; events: number } | null> {
  const now = (options.now ?? new Date()).getTime();
  const start = now - options.weeks * 7 * DAY;
  const reconsentAt = now - Math.round(options.weeks * 0.3) * 7 * DAY;
  const random = seededRandom(options.seed ?? 20261127);
  const actor = systemActor("demo-seed");

  const ready = await db().$transaction(async (tx) => {
    if (await tx.setting.findUnique({ where: { key: DEMO_HISTORY_KEY } })) return null;
    if ((await tx.logCheckpoint.count()) > 0) return null;
    await tx.setting.create({
      data: { key: DEMO_HISTORY_KEY, value: { at: new Date(now).toISOString(), people: options.people.length } },
    });
    const privacyV2 = await publishPolicyVersion(
      {
        kind: "privacy",
        version: "2",
        title: "Privacy Policy",
        url: "/policies/privacy/2",
        text: PRIVACY_V2,
        requiresReconsent: true,
        changeSummary: PRIVACY_V2_SUMMARY,
      },
      actor,
      tx,
      { publishedAt: new Date(reconsentAt) },
    );
    return { privacyV2 };
  });
  if (!ready) return null;

  const [purposes, versions, policies] = await Promise.all([
    db().purpose.findMany(),
    listPurposeVersions(),
    db().policyVersion.findMany({ orderBy: { publishedAt: "asc" } }),
  ]);
  const wording = currentPurposeVersions(versions);
  const purposeByKey = new Map(purposes.map((purpose) => [purpose.key, purpose]));
  const policyAt = (kind: "terms" | "privacy", time: Date): PolicyVersion =>
    policies.filter((policy) => policy.kind === kind && policy.publishedAt <= time).at(-1) ??
    policies.find((policy) => policy.kind === kind)!;
  const agents = USER_AGENTS.map((agent) => computeUserAgentHash(userAgentHashKey(), agent));
  const blindKey = emailBlindIndexKey();

  let events = 0;
  const BATCH = 250;
  for (let first = 0; first < options.people.length; first += BATCH) {
    const batch = options.people.slice(first, first + BATCH);
    const subjects: Prisma.SubjectCreateManyInput[] = [];
    const rows: ConsentEvent[] = [];
    const states: ConsentState[] = [];
    for (const person of batch) {
      const id = randomUUID();
      const profile = { email: person.email.toLowerCase(), name: person.name };
      let seq = 0;
      let prevHash = GENESIS_HASH;
      const state = new Map<string, ConsentState>();
      const { decisions, verifiedAt } = decisionsOf(random, start, now, reconsentAt);
      for (const decision of decisions) {
        const agent = agents[Math.floor(random() * agents.length)]!;
        const ip = `198.51.100.0`;
        const idempotencyKey = `demo-history:${id}:${seq + 1}`;
        const changes = [
          ...decision.granted.map((key) => ({ key, action: "granted" as const })),
          ...(decision.requested ?? []).map((key) => ({ key, action: "requested" as const })),
          ...decision.withdrawn.map((key) => ({ key, action: "withdrawn" as const })),
        ];
        const fingerprint = fingerprintRequest({ demo: true, changes, at: decision.at.toISOString() });
        for (const change of changes) {
          const purpose = purposeByKey.get(change.key)!;
          const policy = policyAt(purpose.policyKind, decision.shownAt ?? decision.at);
          const version = wording.get(purpose.id)!;
          seq += 1;
          const columns = {
            id: randomUUID(),
            subjectId: id,
            seq,
            hashVersion: CURRENT_HASH_FORMAT,
            action: change.action,
            purposeId: purpose.id,
            purposeVersionId: version.id,
            purposeTextSha256: version.textSha256,
            policyVersionId: policy.id,
            policyTextSha256: policy.textSha256,
            method: decision.method,
            actorType: "self" as const,
            actorId: null,
            actorReason: null,
            clientTime: decision.at,
            serverTime: decision.at,
            ipTruncated: ip,
            userAgentHash: agent,
            idempotencyKey,
            requestFingerprint: fingerprint,
            prevHash,
          };
          const event = { ...columns, hash: computeEventHash(columns) };
          prevHash = event.hash;
          rows.push(event);
          projectEvent(state, event);
        }
      }
      states.push(...state.values());
      subjects.push({
        id,
        auth0UserId: person.auth0UserId,
        emailBlindIndex: computeEmailBlindIndex(blindKey, profile.email),
        ...sealNewProfile(id, profile),
        lastSeq: seq,
        lastHash: prevHash,
        emailVerifiedAt: verifiedAt,
        createdAt: rows.find((row) => row.subjectId === id)?.serverTime ?? new Date(now),
      });
    }
    await db().$transaction(async (tx: Tx) => {
      await tx.subject.createMany({ data: subjects });
      await tx.consentEvent.createMany({ data: rows });
      await tx.consentState.createMany({ data: states });
      // Logged in time order at the log's start; Auth0 hears of each person through the outbox.
      await enqueueLeaves(
        tx,
        [...rows]
          .sort((a, b) => a.serverTime.getTime() - b.serverTime.getTime())
          .map((event) => consentEventLeaf(event)),
      );
      await tx.outboxMessage.createMany({
        data: subjects.map((subject) => ({
          subjectId: subject.id!,
          seq: subject.lastSeq!,
          kind: "sync_consent" as const,
          auth0UserId: subject.auth0UserId,
        })),
      });
    });
    events += rows.length;
  }
  return { people: options.people.length, events };
}
