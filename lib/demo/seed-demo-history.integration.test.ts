// `npm start`'s generated demo history (issue 16, point 7): months of decisions that verify like
// any other evidence and fill the dashboard, search and re-consent progress.
import { beforeAll, describe, expect, it } from "vitest";
import { readDashboard } from "@/lib/admin/read-dashboard";
import { searchSubjects } from "@/lib/compliance/search-subjects";
import { db } from "@/lib/db/client";
import { verifyLedger } from "@/lib/ledger/verify-ledger";
import { integrateQueuedLeaves } from "@/lib/transparency/integrate-queued-leaves";
import { requestCosignatures } from "@/lib/transparency/request-cosignatures";
import { staffActor } from "@/test/actors";
import { startTestWitnesses, type TestWitness } from "@/test/log-witnesses";
import { seedDemoData } from "./seed-demo-data";
import { seedDemoHistory } from "./seed-demo-history";

const PEOPLE = Array.from({ length: 300 }, (_, index) => ({
  auth0UserId: `auth0|demo-${index}`,
  email: `person-${String(index + 1).padStart(4, "0")}@demo.example`,
  name: `Demo Person ${index + 1}`,
}));
let witnesses: TestWitness[];
let recorded: { people: number; events: number } | null;

beforeAll(async () => {
  witnesses = await startTestWitnesses(1);
  await seedDemoData({ historyWeeks: 26 });
  recorded = await seedDemoHistory({ people: PEOPLE, weeks: 26 });
  while ((await integrateQueuedLeaves())?.integrated) {
    // until the queue is empty, as the portal's sequencer does once it starts
  }
  await requestCosignatures();
  return () => Promise.all(witnesses.map((witness) => witness.stop()));
});

describe("the demo history", () => {
  it("records every person's decisions, and verifies like any other evidence", async () => {
    expect(recorded?.people).toBe(PEOPLE.length);
    expect(recorded!.events).toBeGreaterThan(PEOPLE.length * 2);
    expect(await db().consentEvent.count()).toBe(recorded!.events);
    // Marketing emails asked for at sign-up waited for the address, as double opt-in does (ADR 040).
    expect(await db().consentEvent.count({ where: { method: "email_confirmation" } })).toBeGreaterThan(0);
    expect(await db().consentState.count({ where: { status: "pending" } })).toBe(0);
    expect(await db().subject.count({ where: { emailVerifiedAt: null } })).toBe(0);
    const report = await verifyLedger();
    expect(report.log.problems).toEqual([]);
    expect(report.broken).toEqual([]);
    expect(report.projectionMismatches).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("fills every week of the dashboard: consent rates, activity, and re-consent under way", async () => {
    const dashboard = await readDashboard();
    const analytics = dashboard.consentRate.map((week) => week.rates.analytics);
    expect(analytics.length).toBeGreaterThanOrEqual(12);
    expect(analytics.filter((rate) => rate === null)).toEqual([]);
    expect(analytics.at(-1)).toBeGreaterThan(30);
    expect(analytics.at(-1)).toBeLessThan(90);
    const busyWeeks = dashboard.activity.filter((week) => week.granted > 0);
    expect(busyWeeks.length).toBe(dashboard.activity.length);
    expect(dashboard.activity.some((week) => week.withdrawn > 0)).toBe(true);
    expect(dashboard.demo?.people).toBe(PEOPLE.length);
    expect(dashboard.reconsent?.version.version).toBe("2");
    expect(dashboard.reconsent?.accepted).toBeGreaterThan(0);
    expect(dashboard.reconsent?.pending).toBeGreaterThan(0);
  });

  it("makes its people findable by email in compliance search", async () => {
    const result = await searchSubjects(staffActor(), { email: "PERSON-0007@demo.example" });
    expect(result.subjects).toHaveLength(1);
  });

  it("is generated once: a second start leaves the database as it is", async () => {
    const before = await db().consentEvent.count();
    expect(await seedDemoHistory({ people: PEOPLE, weeks: 26 })).toBeNull();
    expect(await db().consentEvent.count()).toBe(before);
  });
});
