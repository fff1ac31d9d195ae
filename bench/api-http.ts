// The consent API over HTTP (issue 15, point 4): `GET /api/v1/consent?auth0UserId=` with an
// Auth0 access token, measured with autocannon against the production build running as under
// `npm start` (the trust suite's stack: its own PostgreSQL, the emulator, the witness). The
// ceiling is the same server answering `GET /api/health` (the route handler's floor: Next.js, the
// proxy and our HTTP server, no token and no database), in the same run.
//
// A process of its own (bench/run.ts spawns it), because the stack sets the portal's
// configuration in process.env and the bench's own modules are bound to the bench's database.
//   tsx --conditions=react-server bench/api-http.ts <seconds> <pairs> <out.json>
import { writeFileSync } from "node:fs";
import autocannon from "autocannon";
import { createAuth0People, registerTrustApiClient, runDecisionLoad } from "../trust/consent-load.js";
import { startTrustStack } from "../trust/stack.js";
import { median, type Figure } from "./harness.js";

const [seconds = 10, pairs = 3] = process.argv.slice(2, 4).map(Number);
const outFile = process.argv[4] ?? "/tmp/api-http.json";
const PEOPLE = 200;
const CONNECTIONS = 16;

async function cannon(url: string, headers: Record<string, string>, paths: string[]) {
  let turn = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[turn++ % paths.length]! }) }],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${failed} of ${result.requests.total} requests failed (${url}${paths[0]})`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const stack = await startTrustStack({ name: "bench-api-http", witness: false });
try {
  const client = await registerTrustApiClient(stack);
  const people = await createAuth0People(stack, PEOPLE, `bench-${Date.now().toString(36)}`);
  // Each person has decisions to read: one grant of every optional purpose.
  await runDecisionLoad({
    client,
    people,
    portalUrls: () => [stack.portal.url],
    perPerson: client.optionalPurposes.length,
    workers: 8,
    deadline: Date.now() + 300_000,
    runTag: "bench",
  });
  const consentPaths = people.map((id) => `/api/v1/consent?auth0UserId=${encodeURIComponent(id)}`);
  const headers = { authorization: `Bearer ${client.token}` };
  await cannon(stack.portal.url, headers, consentPaths.slice(0, 20)); // warm the routes
  const rps: number[] = [];
  const ceilings: number[] = [];
  const p99s: number[] = [];
  for (let pair = 0; pair < pairs; pair += 1) {
    const ours = await cannon(stack.portal.url, headers, consentPaths);
    const floor = await cannon(stack.portal.url, {}, ["/api/health"]);
    rps.push(ours.rps);
    p99s.push(ours.p99);
    ceilings.push(floor.rps);
  }
  const ratios = rps.map((value, index) => value / ceilings[index]!);
  const figure: Figure = {
    id: "api-http",
    figure: `consent API over HTTP: GET /api/v1/consent by Auth0 user id, ${CONNECTIONS} connections (autocannon)`,
    value: median(rps),
    unit: "requests/s",
    ceiling: median(ceilings),
    ceilingWhat: "GET /api/health on the same server (Next.js and the proxy, no token, no database)",
    kind: "throughput",
    ratio: median(ratios),
    target: "information",
    note: `p99 ${median(p99s)} ms at ${CONNECTIONS} connections; every call verified its token and wrote its access-log row`,
  };
  writeFileSync(outFile, JSON.stringify(figure));
} finally {
  await stack.stop();
}
process.exit(0);
