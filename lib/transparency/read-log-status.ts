import "server-only";
import { db } from "@/lib/db/client";
import { currentLogSize } from "./integrate-queued-leaves";
import { latestWitnessedCheckpoint, readCheckpoints, type StoredCheckpoint } from "./read-checkpoints";
import { logConfig } from "./log-config";

export interface LogStatus {
  origin: string;
  size: number;
  /** Rows committed and waiting for the sequencer. */
  pending: number;
  witnesses: number;
  quorum: number;
  /** The latest checkpoint cosigned by the quorum, with when its last needed cosignature came. */
  witnessed: { size: number; cosignedAt: Date | null } | null;
}

/** The log's health for the dashboard and the integrity page. */
export async function readLogStatus(): Promise<LogStatus> {
  const config = logConfig();
  const [size, pending, witnessed] = await Promise.all([
    currentLogSize(),
    db().logQueue.count(),
    latestWitnessedCheckpoint(),
  ]);
  const times = witnessed?.cosignatures.map((cosignature) => cosignature.cosignedAt.getTime()) ?? [];
  return {
    origin: config.origin,
    size,
    pending,
    witnesses: config.witnesses.length,
    quorum: config.quorum,
    witnessed: witnessed
      ? { size: witnessed.size, cosignedAt: times.length ? new Date(Math.max(...times)) : witnessed.createdAt }
      : null,
  };
}

/** The newest checkpoints with their cosignatures (the integrity page's history). */
export function readCheckpointHistory(limit = 20): Promise<StoredCheckpoint[]> {
  return readCheckpoints({ limit });
}
