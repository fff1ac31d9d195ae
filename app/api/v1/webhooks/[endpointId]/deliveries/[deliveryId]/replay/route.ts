import { replayApiWebhookDelivery } from "@/lib/consent-api/manage-webhooks";
import { webhookDeliveryPathSchema } from "@/lib/consent-api/schemas";
import { apiWriteResponse, defineApiRoute } from "@/lib/http/define-api-route";

export const POST = defineApiRoute(
  { scope: "webhooks:manage", params: webhookDeliveryPathSchema },
  async ({ actor, params, request, requestSha256 }) =>
    apiWriteResponse(
      await replayApiWebhookDelivery(
        { ...params, body: null, idempotencyKey: request.headers.get("idempotency-key"), requestSha256 },
        actor,
      ),
    ),
);
