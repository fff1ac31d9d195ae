import "server-only";
import { db } from "@/lib/db/client";

const SEEDED_KEY = "demo.seeded";

/** Seeds the demo data once; later runs leave the database as it is. Returns whether it seeded. */
export async function seedDemoData(): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const seeded = await tx.setting.findUnique({ where: { key: SEEDED_KEY } });
    if (seeded) return false;
    await tx.setting.create({ data: { key: SEEDED_KEY, value: { at: new Date().toISOString() } } });
    return true;
  });
}
