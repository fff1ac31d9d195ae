// `npm run witness -- --port 4130 --key-file F --state-file F --log "<origin> <log verifier key>"`:
// an independent C2SP tlog-witness. Run it where the portal's operators cannot reach (the DPO's or
// an auditor's machine): it keeps its own key and state, and cosigns only consistent growth.
import { parseArgs } from "node:util";
import { startWitness } from "../lib/witness/witness-server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4130" },
    host: { type: "string", default: "localhost" },
    "key-file": { type: "string" },
    "state-file": { type: "string" },
    name: { type: "string", default: "consent-portal.localhost/witness" },
    log: { type: "string", multiple: true, default: [] },
  },
});

const keyFile = values["key-file"];
const stateFile = values["state-file"];
if (!keyFile || !stateFile || values.log.length === 0) {
  console.error(
    'Usage: npm run witness -- --port 4130 --key-file F --state-file F --log "<origin> <log verifier key>" [--name N]',
  );
  process.exit(2);
}

const witness = await startWitness({
  port: Number(values.port),
  host: values.host,
  keyFile,
  stateFile,
  name: values.name,
  logs: values.log,
});
console.log(`Witness listening on ${witness.url}`);
console.log(`Witness verifier key: ${witness.verifierKey}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void witness.close().then(() => process.exit(0));
  });
}
