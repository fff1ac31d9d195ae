"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/http/define-action";
import { registerWebhookEndpoint } from "@/lib/webhooks/register-webhook-endpoint";
import { replayWebhookDelivery } from "@/lib/webhooks/replay-webhook-delivery";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-webhook-secret";
import {
  DEFAULT_ROTATION_OVERLAP_HOURS,
  registerWebhookEndpointFormSchema,
  replayWebhookDeliveryFormSchema,
  rotateWebhookSecretFormSchema,
  setWebhookEndpointEnabledFormSchema,
} from "@/lib/webhooks/schemas";
import { disableWebhookEndpoint, enableWebhookEndpoint } from "@/lib/webhooks/set-webhook-endpoint-enabled";

/** Returns the new secret as the message: the form shows it once; the portal keeps it sealed. */
export const registerWebhookAction = defineAction(
  { role: "admin", schema: registerWebhookEndpointFormSchema },
  async (input, actor) => {
    const { secret } = await registerWebhookEndpoint(input, actor);
    revalidatePath("/admin/webhooks");
    return secret;
  },
);

export const rotateWebhookSecretAction = defineAction(
  { role: "admin", schema: rotateWebhookSecretFormSchema },
  async (input, actor) => {
    const { secret } = await rotateWebhookSecret(
      { endpointId: input.endpointId, overlapHours: input.endNow ? 0 : DEFAULT_ROTATION_OVERLAP_HOURS },
      actor,
    );
    revalidatePath(`/admin/webhooks/${input.endpointId}`);
    return secret;
  },
);

export const setWebhookEnabledAction = defineAction(
  { role: "admin", schema: setWebhookEndpointEnabledFormSchema },
  async (input, actor) => {
    if (input.enabled) await enableWebhookEndpoint({ endpointId: input.endpointId }, actor);
    else await disableWebhookEndpoint({ endpointId: input.endpointId }, actor);
    revalidatePath(`/admin/webhooks/${input.endpointId}`);
    revalidatePath("/admin/webhooks");
    return input.enabled ? "Endpoint enabled: waiting deliveries resume." : "Endpoint disabled.";
  },
);

export const replayWebhookDeliveryAction = defineAction(
  { role: "admin", schema: replayWebhookDeliveryFormSchema },
  async (input, actor) => {
    const replay = await replayWebhookDelivery(input, actor);
    revalidatePath(`/admin/webhooks/${replay.endpointId}`);
    return "Queued again.";
  },
);
