// `npm run emulator`: the local Auth0 tenant on its own, with the same clients and secrets
// the portal uses under `npm start`.
import { localEmulatorOptions } from "./local-emulator.js";
import { local } from "./local-config.js";
import { assertPortFree } from "./ports.js";
import { DEMO_PASSWORD, DEMO_USERS } from "../emulator/demo-users.js";
import { startEmulator } from "../emulator/server.js";

await assertPortFree(local.emulatorPort, "EMULATOR_PORT");
const emulator = await startEmulator(localEmulatorOptions());
console.log(`Auth0 emulator: ${emulator.issuer}`);
console.log(`Demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_USERS.map((user) => user.email).join(", ")}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
