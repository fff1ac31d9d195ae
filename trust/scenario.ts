// One trust scenario's report: named checks (each passes or fails with what was seen) and the
// figures the summary prints. trust/run.ts runs each scenario file as its own process and reads
// the report from TRUST_REPORT_FILE; run alone, a scenario prints it.
import { writeFileSync } from "node:fs";

export interface ScenarioFigures {
  /** Distinct decision requests (idempotency keys) the load generator sent. */
  sent: number;
  /** Of those, answered 2xx (after retries with the same key). */
  acknowledged: number;
  /** Acknowledged decisions found in the ledger, each exactly once. */
  found: number;
  /** Events recorded more than once, or recorded without being asked for. */
  duplicates: number;
  /** Processes killed (kill -9) or taken down that the run recovered from. */
  crashes: number;
  /** From the end of the faults until the outbox and the webhooks were empty (seconds). */
  drainSeconds: number | null;
}

export interface ScenarioCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface ScenarioReport {
  scenario: string;
  ok: boolean;
  seconds: number;
  figures: ScenarioFigures;
  /** Things the scenario counted besides the figures (attempts, kills by kind…). */
  notes: Record<string, number | string>;
  checks: ScenarioCheck[];
  error?: string;
}

export class Scenario {
  readonly figures: ScenarioFigures = {
    sent: 0,
    acknowledged: 0,
    found: 0,
    duplicates: 0,
    crashes: 0,
    drainSeconds: null,
  };
  readonly notes: Record<string, number | string> = {};
  readonly checks: ScenarioCheck[] = [];

  constructor(readonly name: string) {}

  /** Records a check; the scenario fails if any check fails (it goes on, to report them all). */
  check(name: string, ok: boolean, detail?: string): boolean {
    this.checks.push({ name, ok, ...(detail === undefined ? {} : { detail }) });
    console.log(`  ${ok ? "✔" : "✖"} ${name}${detail ? `: ${detail}` : ""}`);
    return ok;
  }

  log(line: string): void {
    console.log(`  [${this.name}] ${line}`);
  }
}

/**
 * Runs a scenario and writes its report; exits 0 when every check passed. `body` must stop what it
 * started (a finally around its stack).
 */
export async function runScenario(name: string, body: (scenario: Scenario) => Promise<void>): Promise<never> {
  const scenario = new Scenario(name);
  const started = performance.now();
  let error: string | undefined;
  try {
    await body(scenario);
  } catch (thrown) {
    error = thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown);
    console.error(`  ✖ ${name} stopped: ${error}`);
  }
  const report: ScenarioReport = {
    scenario: name,
    ok: !error && scenario.checks.length > 0 && scenario.checks.every((check) => check.ok),
    seconds: (performance.now() - started) / 1000,
    figures: scenario.figures,
    notes: scenario.notes,
    checks: scenario.checks,
    ...(error ? { error } : {}),
  };
  const file = process.env.TRUST_REPORT_FILE;
  if (file) writeFileSync(file, JSON.stringify(report, null, 2));
  else console.log(JSON.stringify(report, null, 2));
  process.exit(report.ok ? 0 : 1);
}
