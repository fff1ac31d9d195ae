import { z } from "zod";
import { formCheckbox, formList, formOptional } from "@/lib/http/form-fields";

/** The events an endpoint can subscribe to (issue 14). */
export const WEBHOOK_EVENT_TYPES = [
  "consent.granted",
  "consent.withdrawn",
  "subject.erased",
  "policy.published",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** How long the previous secret keeps signing after a rotation, unless the admin says otherwise. */
export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;

const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "enter the endpoint's URL")
  .max(2_000)
  .pipe(z.url({ protocol: /^https?$/, error: "enter an http:// or https:// URL" }));

export const registerWebhookEndpointSchema = z.strictObject({
  url: webhookUrlSchema,
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, "choose at least one event").max(WEBHOOK_EVENT_TYPES.length),
  description: z.string().trim().max(200).default(""),
});
export type RegisterWebhookEndpointInput = z.input<typeof registerWebhookEndpointSchema>;

export const webhookEndpointIdSchema = z.strictObject({ endpointId: z.uuid() });
export type WebhookEndpointIdInput = z.input<typeof webhookEndpointIdSchema>;

export const rotateWebhookSecretSchema = z.strictObject({
  endpointId: z.uuid(),
  /** 0 ends the old secret at once (e.g. after a leak). */
  overlapHours: z
    .number()
    .int()
    .min(0)
    .max(7 * 24)
    .default(DEFAULT_ROTATION_OVERLAP_HOURS),
});
export type RotateWebhookSecretInput = z.input<typeof rotateWebhookSecretSchema>;

export const replayWebhookDeliverySchema = z.strictObject({ deliveryId: z.uuid() });
export type ReplayWebhookDeliveryInput = z.input<typeof replayWebhookDeliverySchema>;

// --- Forms -----------------------------------------------------------------------------------------

export const registerWebhookEndpointFormSchema = z.object({
  url: registerWebhookEndpointSchema.shape.url,
  events: formList(z.enum(WEBHOOK_EVENT_TYPES)).refine((events) => events.length > 0, "choose at least one event"),
  description: formOptional(z.string().trim().max(200).default("")),
});

export const rotateWebhookSecretFormSchema = z.object({
  endpointId: z.uuid(),
  endNow: formCheckbox,
});

export const setWebhookEndpointEnabledFormSchema = z.object({
  endpointId: z.uuid(),
  enabled: formCheckbox,
});

export const replayWebhookDeliveryFormSchema = z.object(replayWebhookDeliverySchema.shape);
