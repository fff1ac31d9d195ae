import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { CosignedCheckpoint } from "./review-checkpoint";

/**
 * The witness's own state file: the latest checkpoint it cosigned per log origin. Written
 * atomically (temporary file, fsync, rename, fsync of the directory), so a crash leaves either
 * the old state or the new one, never a torn file and never a cosignature that was not recorded.
 */

const stateSchema = z.object({
  version: z.literal(1),
  logs: z.record(z.string(), z.object({ size: z.number().int().min(0), root: z.string(), note: z.string() })),
});

export async function readWitnessState(file: string): Promise<Map<string, CosignedCheckpoint>> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  const parsed = stateSchema.safeParse(JSON.parse(content));
  if (!parsed.success) throw new Error(`${file} is not a witness state file`);
  return new Map(Object.entries(parsed.data.logs));
}

export async function writeWitnessState(file: string, state: ReadonlyMap<string, CosignedCheckpoint>): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  const content = JSON.stringify({ version: 1, logs: Object.fromEntries(state) }, null, 2);
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const directory = await open(dirname(file), "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
