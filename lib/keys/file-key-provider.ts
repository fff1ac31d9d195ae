import "server-only";
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import type { KeyProvider } from "./key-provider";
import { portalKeysSchema, type PortalKeys } from "./portal-keys";

/**
 * Keys in one JSON file (mode 0600) under the environment's names, lists as arrays. The file is
 * read again whenever it changes, so a rotation by `npm run keys:*` reaches a running portal at
 * its next request, without a restart (ADR 026). Writes replace the file atomically (rename).
 */
export function fileKeyProvider(path: string): KeyProvider {
  let loaded: { version: string; keys: PortalKeys } | undefined;

  function version(): string {
    try {
      const stat = statSync(path);
      return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new Error(`KEYS_FILE ${path} does not exist (ADR 026: restore it from your backup)`);
      }
      throw error;
    }
  }

  return {
    source: `keys file ${path}`,
    read() {
      const current = version();
      if (loaded?.version !== current) {
        let json: unknown;
        try {
          json = JSON.parse(readFileSync(path, "utf8"));
        } catch (error) {
          throw new Error(`KEYS_FILE ${path} is not readable JSON: ${(error as Error).message}`);
        }
        const parsed = portalKeysSchema.safeParse(json);
        if (!parsed.success) {
          const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
          throw new Error(`KEYS_FILE ${path} is invalid: ${problems.join("; ")}`);
        }
        loaded = { version: current, keys: parsed.data };
      }
      return loaded.keys;
    },
    write(keys) {
      const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(portalKeysSchema.parse(keys), null, 2)}\n`, { mode: 0o600 });
      renameSync(temporary, path);
    },
  };
}
