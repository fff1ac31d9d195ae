import { NextResponse } from "next/server";
import { readApiWebhookEndpoint, updateApiWebhook } from "@/lib/consent-api/manage-webhooks";
import { updateWebhookRequestSchema, webhookPathSchema } from "@/lib/consent-api/schemas";
import { apiWriteResponse, defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute({ scope: "webhooks:manage", params: webhookPathSchema }, async ({ actor, params }) =>
  NextResponse.json(await readApiWebhookEndpoint(params.endpointId, actor), {
    headers: { "cache-control": "no-store" },
  }),
);

export const PATCH = defineApiRoute(
  { scope: "webhooks:manage", params: webhookPathSchema, body: updateWebhookRequestSchema },
  async ({ actor, params, body, request, requestSha256 }) =>
    apiWriteResponse(
      await updateApiWebhook(
        { endpointId: params.endpointId, body, idempotencyKey: request.headers.get("idempotency-key"), requestSha256 },
        actor,
      ),
    ),
);
