// Keeps one child process running for `npm start`: a portal that crashes (an uncaught error, an
// out-of-memory kill, `kill -9`) is started again after a growing pause, and one that keeps
// crashing stops the launcher with one clear line instead of leaving PostgreSQL and the emulator
// up with no portal (issue 17). Under systemd or a container runtime the same launcher runs as
// the supervised process; see the README ("Running in production").
import type { ChildProcess } from "node:child_process";

export interface SuperviseOptions {
  /** Starts the process (again). */
  start: () => ChildProcess;
  /** Crashes within `windowMs` after which the launcher gives up. */
  maxCrashes?: number;
  windowMs?: number;
  /** Pause before restart n (1, 2, 3…): doubles from `firstBackoffMs` up to `maxBackoffMs`. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** Called after each restart, with the new process (e.g. to wait until it answers). */
  onRestart?: (child: ChildProcess, restart: number) => void;
  /** Called once when the crashes are too many: the launcher should stop everything. */
  onGiveUp: (message: string) => void;
  log?: (line: string) => void;
}

export interface Supervisor {
  current: () => ChildProcess;
  /** Restarts so far. */
  restarts: () => number;
  /** Stops the process for good (SIGTERM, then SIGKILL after `graceMs`). */
  stop: (graceMs?: number) => Promise<void>;
}

export function supervise(options: SuperviseOptions): Supervisor {
  const maxCrashes = options.maxCrashes ?? 5;
  const windowMs = options.windowMs ?? 120_000;
  const firstBackoffMs = options.firstBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const log = options.log ?? ((line: string) => console.error(line));
  const crashes: number[] = [];
  let child = options.start();
  let restarts = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  const watch = (process: ChildProcess) => {
    process.once("exit", (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && crashes[0]! < now - windowMs) crashes.shift();
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      if (crashes.length >= maxCrashes) {
        options.onGiveUp(
          `✖ The portal ${how}, crash number ${crashes.length} within ${Math.round(windowMs / 1000)} s: stopping. See the output above.`,
        );
        return;
      }
      const pause = Math.min(maxBackoffMs, firstBackoffMs * 2 ** (crashes.length - 1));
      log(`The portal ${how}; starting it again in ${(pause / 1000).toFixed(1)} s.`);
      timer = setTimeout(() => {
        timer = undefined;
        if (stopping) return;
        child = options.start();
        restarts += 1;
        watch(child);
        options.onRestart?.(child, restarts);
      }, pause);
    });
  };
  watch(child);

  return {
    current: () => child,
    restarts: () => restarts,
    stop: async (graceMs = 10_000) => {
      stopping = true;
      if (timer) clearTimeout(timer);
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      });
    },
  };
}
