import { describe, expect, it } from "vitest";
import { environmentKeys, parseEnv } from "@/lib/env";
import { TEST_ENV } from "@/test/test-env";

const base = { ...TEST_ENV, DATABASE_URL: "postgresql://localhost/x" };
const KEY_A = "a".repeat(64);
const X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

describe("where the keys come from", () => {
  it("reads keys from the environment, lists comma-separated", () => {
    const config = parseEnv({ ...base, LEDGER_PREVIOUS_MASTER_KEYS: ` ${KEY_A} ,`, RECEIPT_RETIRED_PUBLIC_KEYS: X });
    expect(environmentKeys(config)).toMatchObject({
      LEDGER_MASTER_KEY: TEST_ENV.LEDGER_MASTER_KEY,
      LEDGER_PREVIOUS_MASTER_KEYS: [KEY_A],
      RECEIPT_RETIRED_PUBLIC_KEYS: [X],
    });
    expect(environmentKeys(parseEnv(base))).toMatchObject({
      LEDGER_PREVIOUS_MASTER_KEYS: [],
      LOG_SIGNING_KEY: TEST_ENV.LOG_SIGNING_KEY,
    });
  });

  it("names each bad or missing key", () => {
    const { LEDGER_MASTER_KEY: _omitted, ...withoutMaster } = base;
    expect(() =>
      parseEnv({ ...withoutMaster, LEDGER_PREVIOUS_MASTER_KEYS: "abc", RECEIPT_RETIRED_PUBLIC_KEYS: "x" }),
    ).toThrow(
      [
        "Invalid configuration:",
        "  RECEIPT_RETIRED_PUBLIC_KEYS.0: must be Ed25519 public keys (the JWK `x` value: 43 base64url characters)",
        "  LEDGER_MASTER_KEY: LEDGER_MASTER_KEY is missing: run `npm start` (it generates one) or set it in .env",
        "  LEDGER_PREVIOUS_MASTER_KEYS.0: LEDGER_PREVIOUS_MASTER_KEYS must be 32 bytes as 64 hex characters (`openssl rand -hex 32`)",
      ].join("\n"),
    );
  });

  it("refuses keys in the environment and a keys file at once", () => {
    expect(() => parseEnv({ ...base, KEYS_FILE: "/srv/keys.json" })).toThrow(
      "LEDGER_MASTER_KEY: LEDGER_MASTER_KEY is set and so is KEYS_FILE: keep the keys in one place (ADR 026)",
    );
    const {
      LEDGER_MASTER_KEY: _m,
      BLIND_INDEX_KEY: _b,
      RECEIPT_SIGNING_KEY: _r,
      LOG_SIGNING_KEY: _l,
      ...withoutKeys
    } = base;
    expect(parseEnv({ ...withoutKeys, KEYS_FILE: "/srv/keys.json" }).KEYS_FILE).toBe("/srv/keys.json");
  });

  it("checks TRUSTED_PROXIES at boot", () => {
    expect(parseEnv({ ...base, TRUSTED_PROXIES: "10.0.0.0/8,::1" }).TRUSTED_PROXIES).toHaveLength(2);
    expect(() => parseEnv({ ...base, TRUSTED_PROXIES: "10.0.0.0/8,proxy.internal" })).toThrow(
      'TRUSTED_PROXIES: "proxy.internal" is not an IP address or CIDR range',
    );
  });
});
