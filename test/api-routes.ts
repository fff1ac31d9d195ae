// The consent API's route handlers called in-process, as Next.js calls them: a `fetch` for
// openapi-fetch that dispatches each request to the app/api/v1 module its path names, so the
// integration tests go through the real wrappers, schemas and answers without a server.
import { NextRequest } from "next/server";
import * as consent from "@/app/api/v1/consent/route";
import * as decisions from "@/app/api/v1/decisions/route";
import * as events from "@/app/api/v1/events/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import * as policyVersion from "@/app/api/v1/policy-versions/[id]/route";
import * as policyVersions from "@/app/api/v1/policy-versions/route";
import * as people from "@/app/api/v1/purposes/[purpose]/people/route";
import * as purposes from "@/app/api/v1/purposes/route";
import * as receipt from "@/app/api/v1/receipts/[eventId]/route";
import * as legacyImport from "@/app/api/v1/imports/legacy-consents/route";
import * as webhookReplay from "@/app/api/v1/webhooks/[endpointId]/deliveries/[deliveryId]/replay/route";
import * as webhookDeliveries from "@/app/api/v1/webhooks/[endpointId]/deliveries/route";
import * as webhookRotate from "@/app/api/v1/webhooks/[endpointId]/rotate-secret/route";
import * as webhook from "@/app/api/v1/webhooks/[endpointId]/route";
import * as webhooks from "@/app/api/v1/webhooks/route";

type Handler = (
  request: NextRequest,
  context: { params: Promise<Record<string, string>> },
) => Response | Promise<Response>;

const ROUTES: Array<{ pattern: RegExp; module: Record<string, unknown> }> = [
  { pattern: /^\/api\/v1\/openapi\.json$/, module: openapi },
  { pattern: /^\/api\/v1\/decisions$/, module: decisions },
  { pattern: /^\/api\/v1\/consent$/, module: consent },
  { pattern: /^\/api\/v1\/events$/, module: events },
  { pattern: /^\/api\/v1\/purposes$/, module: purposes },
  { pattern: /^\/api\/v1\/purposes\/(?<purpose>[^/]+)\/people$/, module: people },
  { pattern: /^\/api\/v1\/receipts\/(?<eventId>[^/]+)$/, module: receipt },
  { pattern: /^\/api\/v1\/policy-versions$/, module: policyVersions },
  { pattern: /^\/api\/v1\/policy-versions\/(?<id>[^/]+)$/, module: policyVersion },
  { pattern: /^\/api\/v1\/webhooks$/, module: webhooks },
  { pattern: /^\/api\/v1\/webhooks\/(?<endpointId>[^/]+)$/, module: webhook },
  { pattern: /^\/api\/v1\/webhooks\/(?<endpointId>[^/]+)\/rotate-secret$/, module: webhookRotate },
  { pattern: /^\/api\/v1\/webhooks\/(?<endpointId>[^/]+)\/deliveries$/, module: webhookDeliveries },
  {
    pattern: /^\/api\/v1\/webhooks\/(?<endpointId>[^/]+)\/deliveries\/(?<deliveryId>[^/]+)\/replay$/,
    module: webhookReplay,
  },
  { pattern: /^\/api\/v1\/imports\/legacy-consents$/, module: legacyImport },
];

export const API_BASE_URL = "http://localhost:3999";

export const apiRoutesFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  for (const route of ROUTES) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    const handler = route.module[request.method] as Handler | undefined;
    if (!handler) return new Response(null, { status: 405 });
    const params = Object.fromEntries(
      Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
    );
    return handler(new NextRequest(request), { params: Promise.resolve(params) });
  }
  return new Response(null, { status: 404 });
};
