import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export interface EmulatorKeys {
  /** Private RS256 signing key (JWK) for ID tokens and Management API access tokens. */
  signingKey: JWK & { kid: string; alg: string; use: string };
  /** Keys for oidc-provider's signed cookies. */
  cookieKeys: string[];
}

/** Loads the tenant's keys from the data directory, generating them once. */
export async function loadOrCreateKeys(dataDir: string | null): Promise<EmulatorKeys> {
  const file = dataDir ? join(dataDir, "keys.json") : null;
  if (file) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as EmulatorKeys;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  const keys: EmulatorKeys = {
    signingKey: { ...jwk, kid: randomBytes(8).toString("hex"), alg: "RS256", use: "sig" },
    cookieKeys: [randomBytes(32).toString("base64url")],
  };
  if (file && dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return keys;
}
