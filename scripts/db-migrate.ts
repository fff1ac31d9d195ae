// `npm run db:migrate`: applies prisma/migrations as the owner role (DATABASE_OWNER_URL, else
// DATABASE_URL with a warning), or to the embedded database when neither is set.
import { migrate } from "./db/migrate.js";
import { ownerUrlFromEnv, withLocalDatabase } from "./database.js";

const ownerUrl = ownerUrlFromEnv();
const applied = ownerUrl ? await migrate(ownerUrl) : await withLocalDatabase((database) => migrate(database.ownerUrl));
console.log(
  applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.",
);
