// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded server).
import { migrate } from "./db/migrate.js";
import { withDatabase } from "./database.js";

await withDatabase(async (url) => {
  const applied = await migrate(url);
  console.log(
    applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.",
  );
});
