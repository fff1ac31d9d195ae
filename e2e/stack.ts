// Where the e2e stack runs. E2E_PORT_OFFSET lets two runs share a machine (e.g. two developers'
// checks): each gets its own ports, data directory and build directory. playwright.config.ts
// starts the stack with these; the fixtures reach it with them. The stack is `npm start`'s, so
// the portal runs as the embedded database's application login, never as its owner (ADR 024).
export const E2E_PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
export const E2E_PORT = 3100 + E2E_PORT_OFFSET;
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_EMULATOR_PORT = 4100 + E2E_PORT_OFFSET;
export const E2E_EMULATOR_URL = `http://localhost:${E2E_EMULATOR_PORT}`;
export const E2E_POSTGRES_PORT = 5434 + E2E_PORT_OFFSET;
/** The local witness `npm start` runs (ADR 028). */
export const E2E_WITNESS_PORT = 4200 + E2E_PORT_OFFSET;
/** The stack's DATA_DIR: database, emulator data and the generated secrets.json (with the database roles' passwords). */
export const E2E_DATA_DIR = E2E_PORT_OFFSET ? `.data/e2e-${E2E_PORT_OFFSET}` : ".data/e2e";
/** Where auth.setup.ts saves each demo role's signed-in session. */
export const E2E_AUTH_DIR = `.data/e2e-auth-${E2E_PORT_OFFSET}`;
