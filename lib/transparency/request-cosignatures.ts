import "server-only";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { verifyCosignatures } from "@/lib/tlog/cosignature";
import { addCheckpoint } from "@/lib/witness/request-cosignature";
import { logConfig, type LogConfig } from "./log-config";
import { readConsistencyProof } from "./read-proofs";
import { readCheckpoints } from "./read-checkpoints";

export interface CosigningReport {
  witness: string;
  size: number;
  outcome: "cosigned" | "up_to_date" | "refused" | "unreachable";
  detail?: string;
}

/** The largest tree this witness has cosigned for us (0 when none). */
async function lastCosignedSize(witness: string): Promise<number> {
  const rows = await db().$queryRaw<Array<{ size: bigint | null }>>`
    SELECT max(size) AS size FROM "LogCosignature" WHERE witness = ${witness}`;
  return Number(rows[0]?.size ?? 0);
}

async function askWitness(
  witness: LogConfig["witnesses"][number],
  latest: { size: number; note: string },
  oldSize: number,
  retried = false,
): Promise<CosigningReport> {
  const base = { witness: witness.name, size: latest.size };
  const consistencyProof = await readConsistencyProof(oldSize, latest.size);
  let answer: Awaited<ReturnType<typeof addCheckpoint>>;
  try {
    answer = await addCheckpoint(witness.url, { oldSize, consistencyProof, signedCheckpoint: latest.note });
  } catch (error) {
    return { ...base, outcome: "unreachable", detail: error instanceof Error ? error.message : String(error) };
  }
  if (!answer.ok) {
    // 409: the witness holds another size than we think (its state is the truth): ask again from it.
    if (answer.status === 409 && answer.knownSize !== undefined && !retried && answer.knownSize <= latest.size) {
      return askWitness(witness, latest, answer.knownSize, true);
    }
    return { ...base, outcome: "refused", detail: `${answer.status}: ${answer.message}` };
  }
  // Never store a cosignature we cannot verify ourselves.
  const [cosigned] = verifyCosignatures(latest.note + answer.cosignature, [witness.verifierKey]).cosigned;
  if (!cosigned) return { ...base, outcome: "refused", detail: "the witness answered with an invalid cosignature" };
  await db().$executeRaw`
    INSERT INTO "LogCosignature" (size, witness, signature, cosigned_at)
    VALUES (${BigInt(latest.size)}, ${witness.name}, ${answer.cosignature}, ${new Date(cosigned.timestamp * 1000)})
    ON CONFLICT DO NOTHING`;
  return { ...base, outcome: "cosigned" };
}

/**
 * Asks every configured witness to cosign the latest checkpoint, proving it consistent with the
 * last one each witness cosigned (C2SP tlog-witness). A witness that is down only delays the
 * witnessed checkpoint; appends never wait for this.
 */
export async function requestCosignatures(): Promise<CosigningReport[]> {
  const config = logConfig();
  const [latest] = await readCheckpoints({ limit: 1 });
  if (!latest || config.witnesses.length === 0) return [];
  const reports = await Promise.all(
    config.witnesses.map(async (witness) => {
      const oldSize = await lastCosignedSize(witness.name);
      if (oldSize >= latest.size) return { witness: witness.name, size: latest.size, outcome: "up_to_date" as const };
      return askWitness(witness, { size: latest.size, note: latest.logNote }, oldSize);
    }),
  );
  for (const report of reports) {
    if (report.outcome === "refused" || report.outcome === "unreachable") logger.warn({ cosigning: report }, "witness");
  }
  return reports;
}
