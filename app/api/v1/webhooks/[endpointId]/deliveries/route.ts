import { NextResponse } from "next/server";
import { listApiWebhookDeliveries } from "@/lib/consent-api/manage-webhooks";
import { webhookDeliveriesQuerySchema, webhookPathSchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute(
  { scope: "webhooks:manage", params: webhookPathSchema, query: webhookDeliveriesQuerySchema },
  async ({ actor, params, query }) =>
    NextResponse.json(await listApiWebhookDeliveries({ endpointId: params.endpointId, ...query }, actor), {
      headers: { "cache-control": "no-store" },
    }),
);
