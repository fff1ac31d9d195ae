import { rotateApiWebhookSecret } from "@/lib/consent-api/manage-webhooks";
import { rotateWebhookSecretRequestSchema, webhookPathSchema } from "@/lib/consent-api/schemas";
import { apiWriteResponse, defineApiRoute } from "@/lib/http/define-api-route";

export const POST = defineApiRoute(
  { scope: "webhooks:manage", params: webhookPathSchema, body: rotateWebhookSecretRequestSchema },
  async ({ actor, params, body, request, requestSha256 }) =>
    apiWriteResponse(
      await rotateApiWebhookSecret(
        { endpointId: params.endpointId, body, idempotencyKey: request.headers.get("idempotency-key"), requestSha256 },
        actor,
      ),
    ),
);
