import { NextResponse } from "next/server";
import { listApiWebhookEndpoints, registerApiWebhook } from "@/lib/consent-api/manage-webhooks";
import { registerWebhookRequestSchema } from "@/lib/consent-api/schemas";
import { apiWriteResponse, defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute({ scope: "webhooks:manage" }, async ({ actor }) =>
  NextResponse.json(await listApiWebhookEndpoints(actor), { headers: { "cache-control": "no-store" } }),
);

export const POST = defineApiRoute(
  { scope: "webhooks:manage", body: registerWebhookRequestSchema },
  async ({ actor, body, request, requestSha256 }) =>
    apiWriteResponse(
      await registerApiWebhook({ body, idempotencyKey: request.headers.get("idempotency-key"), requestSha256 }, actor),
    ),
);
