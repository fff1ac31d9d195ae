import { NextResponse } from "next/server";
import { definePublicRoute } from "@/lib/http/define-route";
import { AppError } from "@/lib/errors";
import { latestWitnessedCheckpoint } from "@/lib/transparency/read-checkpoints";

// The latest checkpoint the witnesses cosigned (C2SP tlog-checkpoint with cosignature lines).
export const GET = definePublicRoute({}, async () => {
  const checkpoint = await latestWitnessedCheckpoint();
  if (!checkpoint) throw new AppError("not_found", "No checkpoint has been witnessed yet.");
  return new NextResponse(checkpoint.note, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "access-control-allow-origin": "*",
    },
  });
});
