import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { parseInput } from "@/lib/errors";
import { enqueueOutboxMessage } from "@/lib/outbox/enqueue-outbox-message";
import { appendAdminChange } from "./append-admin-change";

const repairSchema = z.object({
  runId: z.uuid(),
  subjects: z
    .array(
      z.object({
        subjectId: z.uuid(),
        auth0UserId: z.string().min(1),
        /** The subject's chain head when the drift was seen. */
        seq: z.number().int().min(0),
        consent: z.boolean(),
        flatKeys: z.boolean(),
        unflaggedClosed: z.boolean(),
      }),
    )
    .min(1)
    .max(1_000),
});
export type RepairAuth0DriftInput = z.input<typeof repairSchema>;

/**
 * Queues a rewrite of Auth0's copy for people whose copy drifted from the ledger (ADR 041): one
 * outbox message each, delivered like any sync (the whole `consent` object, the flat keys
 * removed, `app_metadata.deleted` from the ledger's state when a closed account is not
 * flagged), and one AdminChange naming them, in one transaction.
 */
export async function repairAuth0Drift(input: RepairAuth0DriftInput, actor: Actor, tx?: Tx): Promise<void> {
  const { runId, subjects } = parseInput(repairSchema, input);
  await inTransaction(tx, async (client) => {
    for (const subject of subjects) {
      await enqueueOutboxMessage(
        {
          subjectId: subject.subjectId,
          seq: subject.seq,
          kind: subject.unflaggedClosed ? "flag_deleted" : "sync_consent",
          auth0UserId: subject.auth0UserId,
        },
        client,
      );
    }
    const count = (kind: "consent" | "flatKeys" | "unflaggedClosed") =>
      subjects.filter((subject) => subject[kind]).length;
    await appendAdminChange(
      {
        action: "auth0.repair",
        target: runId,
        after: {
          subjectIds: subjects.map((subject) => subject.subjectId),
          drift: { consent: count("consent"), flatKeys: count("flatKeys"), unflaggedClosed: count("unflaggedClosed") },
        },
      },
      actor,
      client,
    );
  });
}
