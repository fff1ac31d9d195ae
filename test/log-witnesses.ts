// Witnesses for integration tests: real C2SP witnesses over HTTP (lib/witness/witness-server.ts),
// each with its own key and state file, trusting the test log's key.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWitness } from "@/lib/witness/witness-server";
import { freePort } from "./free-port";
import { TEST_LOG_VERIFIER_KEY } from "./test-env";

export interface TestWitness {
  url: string;
  verifierKey: string;
  stop(): Promise<void>;
}

let started = 0;

/**
 * Starts `count` witnesses. Unless `configure` is false, the portal is configured to ask them
 * (WITNESSES, WITNESS_QUORUM): call before the test file's first use of lib/env.ts.
 */
export async function startTestWitnesses(
  count: number,
  options: { quorum?: number; configure?: boolean } = {},
): Promise<TestWitness[]> {
  const witnesses: TestWitness[] = [];
  for (let index = 0; index < count; index += 1) {
    started += 1;
    const dir = mkdtempSync(join(tmpdir(), "test-witness-"));
    const running = await startWitness({
      port: await freePort(),
      host: "localhost",
      keyFile: join(dir, "witness.key"),
      stateFile: join(dir, "state.json"),
      name: `witness-${started}.test`,
      logs: [`localhost/consent-portal-test ${TEST_LOG_VERIFIER_KEY}`],
    });
    witnesses.push({
      url: running.url,
      verifierKey: running.verifierKey,
      stop: async () => {
        await running.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  if (options.configure !== false) {
    process.env.WITNESSES = witnesses.map((witness) => `${witness.url}#${witness.verifierKey}`).join(",");
    process.env.WITNESS_QUORUM = String(options.quorum ?? count);
  }
  return witnesses;
}
