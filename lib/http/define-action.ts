import "server-only";
import { forbidden, redirect } from "next/navigation";
import type { z } from "zod";
import { getViewer, type Viewer } from "@/lib/auth/viewer";
import { hasRole, type Role } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { fieldIssues, formDataToObject } from "./validation";

/** What a form shows after submitting: a message, and the reason beside each bad field. */
export type ActionState =
  | { status: "idle" }
  | { status: "success"; message: string }
  | { status: "error"; message: string; fieldErrors: Record<string, string> };

export const IDLE: ActionState = { status: "idle" };

/**
 * The one wrapper for server actions (used with `useActionState`). A page's role check does
 * not protect its actions, so each action authenticates and checks the role itself, then
 * validates the form with zod. Returns field errors instead of throwing for a user's mistake.
 */
export function defineAction<S extends z.ZodType>(
  options: { role: Role | "signed-in"; schema: S },
  run: (input: z.infer<S>, viewer: Viewer) => Promise<string | void>,
) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> => {
    const viewer = await getViewer();
    if (!viewer) redirect("/auth/login");
    if (options.role !== "signed-in" && !hasRole(viewer.roles, options.role)) forbidden();
    const parsed = options.schema.safeParse(formDataToObject(formData));
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of fieldIssues(parsed.error)) fieldErrors[issue.field] ??= issue.reason;
      return { status: "error", message: "Please correct the marked fields.", fieldErrors };
    }
    try {
      const message = await run(parsed.data, viewer);
      return { status: "success", message: message ?? "Saved." };
    } catch (error) {
      if (error instanceof AppError) {
        return {
          status: "error",
          message: error.message,
          fieldErrors: error.field ? { [error.field]: error.message } : {},
        };
      }
      if (error instanceof Error && "digest" in error) throw error; // redirect() / notFound()
      logger.error({ err: error }, "server action failed");
      return { status: "error", message: "Something went wrong. Please try again.", fieldErrors: {} };
    }
  };
}
