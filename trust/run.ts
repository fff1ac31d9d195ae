// `npm run test:trust`: the fault suite (issue 17, ADR 038). Runs each scenario in trust/ (a file
// that calls runScenario) as its own process, one after the other, against its own stack, then
// prints one table with the figures and exits non-zero if any check failed.
//   npm run test:trust                         every scenario
//   npm run test:trust -- --only crashes       some (comma-separated)
//   npm run test:trust -- --build              build the portal first even if a build exists
//   --out FILE                                 the reports as JSON (default test-results/trust.json)
// TRUST_PEOPLE and TRUST_PER_PERSON size the crash scenario's stream (default 24 × 12).
// TRUST_DIST_DIR serves another build than `.next`; TRUST_KEEP=1 keeps each stack's directory
// (every process's log) in the temporary directory for a post-mortem.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { ScenarioReport } from "./scenario.js";
import { ensureProductionBuild } from "./stack.js";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    build: { type: "boolean", default: false },
    out: { type: "string", default: "test-results/trust.json" },
  },
});

const here = import.meta.dirname;
const scenarios = readdirSync(here)
  // Not this file, which names the call it looks for.
  .filter((file) => file.endsWith(".ts") && file !== "run.ts")
  .filter((file) => /^await runScenario\(/m.test(readFileSync(join(here, file), "utf8")))
  .map((file) => basename(file, ".ts"))
  .sort()
  .filter((name) => !values.only || values.only.split(",").includes(name));
if (scenarios.length === 0) {
  console.error(`No scenario matches --only ${values.only}.`);
  process.exit(2);
}

const started = performance.now();
const { distDir, built } = ensureProductionBuild({ force: values.build });
const buildSeconds = (performance.now() - started) / 1000;
console.log(
  built ? `Built the portal in ${buildSeconds.toFixed(0)} s.` : `Reusing the production build in ${distDir}.`,
);

const reports: ScenarioReport[] = [];
for (const name of scenarios) {
  console.log(`\n▶ trust: ${name}`);
  const reportFile = join(tmpdir(), `trust-${name}-${process.pid}.json`);
  rmSync(reportFile, { force: true });
  const scenarioStarted = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", join(here, `${name}.ts`)], {
      stdio: "inherit",
      env: { ...process.env, TRUST_REPORT_FILE: reportFile, TRUST_DIST_DIR: distDir, FORCE_COLOR: "0" },
    });
    child.once("exit", (exitCode) => resolve(exitCode));
  });
  let report: ScenarioReport;
  try {
    report = JSON.parse(readFileSync(reportFile, "utf8")) as ScenarioReport;
  } catch {
    // A scenario that died before reporting is a failure, never a pass.
    report = {
      scenario: name,
      ok: false,
      seconds: (performance.now() - scenarioStarted) / 1000,
      figures: { sent: 0, acknowledged: 0, found: 0, duplicates: 0, crashes: 0, drainSeconds: null },
      notes: {},
      checks: [],
      error: `exited with code ${code} without a report`,
    };
  }
  if (code !== 0) report.ok = false;
  reports.push(report);
  rmSync(reportFile, { force: true });
}

const seconds = (performance.now() - started) / 1000;
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ seconds, buildSeconds: built ? buildSeconds : 0, reports }, null, 2));

const columns = ["scenario", "result", "sent", "acked", "found", "dupes", "crashes", "drain s", "time s"];
const rows = reports.map((report) => [
  report.scenario,
  report.ok ? "pass" : "FAIL",
  String(report.figures.sent),
  String(report.figures.acknowledged),
  String(report.figures.found),
  String(report.figures.duplicates),
  String(report.figures.crashes),
  report.figures.drainSeconds === null ? "—" : report.figures.drainSeconds.toFixed(1),
  report.seconds.toFixed(0),
]);
const widths = columns.map((column, index) => Math.max(column.length, ...rows.map((row) => row[index]!.length)));
const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join("  ");
console.log("\nTrust suite summary");
console.log(`  ${line(columns)}`);
for (const row of rows) console.log(`  ${line(row)}`);
for (const report of reports) {
  const notes = Object.entries(report.notes).map(([key, value]) => `${key} ${value}`);
  if (notes.length) console.log(`  ${report.scenario}: ${notes.join(", ")}`);
  for (const check of report.checks.filter((item) => !item.ok)) {
    console.log(`  ✖ ${report.scenario}: ${check.name}${check.detail ? ` (${check.detail})` : ""}`);
  }
  if (report.error) console.log(`  ✖ ${report.scenario}: ${report.error.split("\n")[0]}`);
}
const failed = reports.filter((report) => !report.ok).length;
console.log(
  `\n${reports.length - failed} of ${reports.length} scenarios passed in ${seconds.toFixed(0)} s` +
    (built ? ` (build ${buildSeconds.toFixed(0)} s)` : ""),
);
process.exit(failed === 0 ? 0 : 1);
