// The launcher's supervisor with real processes: a portal killed with -9 answers again on its
// port; one that keeps crashing stops the launcher with one line.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { freePort } from "@/test/free-port";
import { supervise } from "./supervise";

/** A stand-in for the portal: an HTTP server that answers with its process id. */
function server(port: number) {
  return spawn(
    process.execPath,
    ["-e", `require("node:http").createServer((q, s) => s.end(String(process.pid))).listen(${port}, "localhost")`],
    { stdio: "ignore" },
  );
}

async function answeringPid(port: number): Promise<number | null> {
  try {
    return Number(await (await fetch(`http://localhost:${port}/`)).text());
  } catch {
    return null;
  }
}

describe("the launcher's supervisor", () => {
  it("starts a portal killed with -9 again, on the same port, every time", async () => {
    const port = await freePort();
    const lines: string[] = [];
    const supervisor = supervise({
      start: () => server(port),
      firstBackoffMs: 50,
      maxCrashes: 10,
      onGiveUp: (message) => lines.push(message),
      log: (line) => lines.push(line),
    });
    try {
      for (let kill = 1; kill <= 3; kill += 1) {
        const before = supervisor.current().pid!;
        await expect.poll(() => answeringPid(port), { timeout: 10_000 }).toBe(before);
        process.kill(before, "SIGKILL");
        await expect.poll(() => supervisor.restarts(), { timeout: 10_000 }).toBe(kill);
        await expect.poll(() => answeringPid(port), { timeout: 10_000 }).toBe(supervisor.current().pid);
        expect(supervisor.current().pid).not.toBe(before);
      }
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^The portal was killed \(SIGKILL\); starting it again in 0\.1 s\.$/);
    } finally {
      await supervisor.stop();
    }
    // Stopped for good: nothing answers and nothing is started again.
    await expect.poll(() => answeringPid(port), { timeout: 10_000 }).toBeNull();
    expect(supervisor.restarts()).toBe(3);
  });

  it("gives up with one clear line when the portal keeps crashing", async () => {
    let given: string | undefined;
    const supervisor = supervise({
      start: () => spawn(process.execPath, ["-e", "process.exit(3)"], { stdio: "ignore" }),
      firstBackoffMs: 10,
      maxCrashes: 3,
      onGiveUp: (message) => (given = message),
      log: () => {},
    });
    await expect.poll(() => given, { timeout: 10_000 }).toBeDefined();
    expect(given).toBe("✖ The portal exited with code 3, crash number 3 within 120 s: stopping. See the output above.");
    expect(supervisor.restarts()).toBe(2);
  });
});
