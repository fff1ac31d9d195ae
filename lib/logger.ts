import "server-only";
import pino from "pino";

/** Structured server logs. Never log tokens, secrets or personal data. */
export const logger = pino({
  level: "info",
  redact: { paths: ["*.authorization", "*.token", "*.access_token", "*.password", "*.email"], remove: true },
});
