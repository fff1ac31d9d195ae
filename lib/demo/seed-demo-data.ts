import "server-only";
import { db } from "@/lib/db/client";
import { seedConsentCatalog } from "./consent-catalog";

const SEEDED_KEY = "demo.seeded";

/**
 * Seeds the demo data once; later runs leave the database as it is. Returns whether it seeded.
 * `historyWeeks` dates the documents at the start of the demo history about to be generated.
 */
export async function seedDemoData(options: { historyWeeks?: number } = {}): Promise<boolean> {
  const publishedAt = options.historyWeeks ? new Date(Date.now() - options.historyWeeks * 7 * 86_400_000) : undefined;
  return db().$transaction(async (tx) => {
    let seeded = false;
    if (!(await tx.setting.findUnique({ where: { key: SEEDED_KEY } }))) {
      await tx.setting.create({ data: { key: SEEDED_KEY, value: { at: new Date().toISOString() } } });
      seeded = true;
    }
    // Checked on its own so that databases seeded before the ledger existed get the catalog too.
    if ((await tx.purpose.count()) === 0) {
      await seedConsentCatalog(tx, { publishedAt });
      seeded = true;
    }
    return seeded;
  });
}
