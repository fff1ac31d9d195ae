// `npm test`: lint, typecheck, unit, integration, the benchmarks at a tiny size, e2e and the trust suite, then one summary line
// `N passed, N failed` (tests plus the static checks, each check counting as one).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";

interface Stage {
  name: string;
  passed: number;
  failed: number;
  seconds: number;
}

const stages: Stage[] = [];
const bin = (name: string) => `node_modules/.bin/${name}`;
mkdirSync("test-results", { recursive: true });

/** Every stage's environment: no telemetry, no colour codes in the log. */
const childEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  CHECKPOINT_DISABLE: "1",
  FORCE_COLOR: "0",
  ...extra,
});

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): { ok: boolean; seconds: number } {
  const started = Date.now();
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: childEnv(extraEnv),
  });
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
}

function check(name: string, command: string, args: string[]) {
  console.log(`\n▶ ${name}`);
  const { ok, seconds } = run(command, args);
  stages.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, seconds });
}

/**
 * The static checks side by side (each is mostly one thread; one after the other they took
 * about 2 minutes of CI), each one's output printed whole when it ends.
 */
async function staticChecks(checks: Array<[name: string, command: string, args: string[]]>) {
  console.log(`\n▶ ${checks.map(([name]) => name).join(", ")} (side by side)`);
  const results = await Promise.all(
    checks.map(
      ([name, command, args]) =>
        new Promise<Stage>((resolve) => {
          const started = Date.now();
          const child = spawn(command, args, { env: childEnv() });
          let output = "";
          child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
          child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
          child.on("close", (code) => {
            const ok = code === 0;
            const seconds = (Date.now() - started) / 1000;
            console.log(`\n▶ ${name}: ${ok ? "passed" : "FAILED"} in ${seconds.toFixed(0)} s\n${output}`);
            resolve({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, seconds });
          });
        }),
    ),
  );
  stages.push(...results);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function vitest(project: "unit" | "integration") {
  console.log(`\n▶ ${project} tests`);
  const report = `test-results/${project}.json`;
  rmSync(report, { force: true });
  const { ok, seconds } = run(bin("vitest"), [
    "run",
    "--project",
    project,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
  ]);
  const counts = readJson<{ numPassedTests: number; numFailedTests: number; numTotalTests: number }>(report);
  // A run that died before reporting counts as one failure, never as a pass.
  const failed = counts ? counts.numFailedTests : 1;
  stages.push({
    name: `${project} tests`,
    passed: counts?.numPassedTests ?? 0,
    failed: ok ? failed : Math.max(failed, 1),
    seconds,
  });
}

function e2e() {
  console.log("\n▶ e2e tests (Playwright, Chromium)");
  const report = "test-results/e2e-results.json";
  rmSync(report, { force: true });
  // The typecheck stage above checked the types the build would check again.
  const { ok, seconds } = run(bin("playwright"), ["test"], { NEXT_BUILD_SKIP_TYPECHECK: "1" });
  const stats = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(
    report,
  )?.stats;
  const failed = stats ? stats.unexpected + stats.flaky + stats.skipped : 1;
  stages.push({ name: "e2e tests", passed: stats?.expected ?? 0, failed: ok ? failed : Math.max(failed, 1), seconds });
}

/** The fault suite (ADR 038), on the production build the e2e stage just made: each check counts. */
function trust() {
  console.log("\n▶ trust suite (kill -9, outages)");
  const report = "test-results/trust.json";
  rmSync(report, { force: true });
  const { ok, seconds } = run("npm", ["run", "--silent", "test:trust", "--", "--out", report]);
  const checks = readJson<{ reports: Array<{ checks: Array<{ ok: boolean }> }> }>(report)?.reports.flatMap(
    (scenario) => scenario.checks,
  );
  const failed = checks ? checks.filter((item) => !item.ok).length : 1;
  stages.push({
    name: "trust suite",
    passed: checks?.filter((item) => item.ok).length ?? 0,
    failed: ok ? failed : Math.max(failed, 1),
    seconds,
  });
}

await staticChecks([
  ["eslint", bin("eslint"), [".", "--max-warnings", "0"]],
  ["prettier", bin("prettier"), ["--check", "."]],
  // No unused files, exports or dependencies (knip.json names the entry points).
  ["knip", bin("knip"), ["--no-config-hints"]],
  ["typecheck", "sh", ["-c", `${bin("next")} typegen >/dev/null && ${bin("tsc")} --noEmit`]],
]);
vitest("unit");
vitest("integration");
// The benchmarks once at a tiny size so they cannot rot: it fails only if a figure has no value
// (no timed assertions; bench/README.md has the real figures).
check("bench (tiny)", "npm", ["run", "--silent", "bench", "--", "--tiny", "--out", "test-results/bench-tiny.json"]);
e2e();
trust();

console.log("\nSummary");
for (const stage of stages) {
  console.log(
    `  ${stage.name.padEnd(18)} ${String(stage.passed).padStart(4)} passed ${String(stage.failed).padStart(3)} failed  ${stage.seconds.toFixed(0)}s`,
  );
}
const passed = stages.reduce((sum, stage) => sum + stage.passed, 0);
const failed = stages.reduce((sum, stage) => sum + stage.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
