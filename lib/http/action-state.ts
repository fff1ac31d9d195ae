/** What a form shows after submitting: a message, and the reason beside each bad field. */
export type ActionState =
  | { status: "idle" }
  | { status: "success"; message: string }
  | { status: "error"; message: string; fieldErrors: Record<string, string> };

export const IDLE: ActionState = { status: "idle" };
