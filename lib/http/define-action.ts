import "server-only";
import { redirect, forbidden } from "next/navigation";
import type { z } from "zod";
import { anonymousVisitor, type Actor } from "@/lib/auth/actor";
import { checkSession } from "@/lib/auth/viewer";
import type { Role } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { ActionState } from "./action-state";
import { parseForm } from "./form-validation";

/**
 * The one wrapper for server actions (used with `useActionState`). A page's role check does
 * not protect its actions, so each action authenticates and checks the role itself, then
 * validates the form with zod, and hands the handler its Actor. Returns field errors instead of
 * throwing for a user's mistake.
 */
export function defineAction<S extends z.ZodType>(
  options: { role: Role; schema: S },
  run: (input: z.infer<S>, actor: Actor) => Promise<string | void>,
) {
  return async (previous: ActionState, formData: FormData): Promise<ActionState> => {
    const check = await checkSession(options.role);
    if (!check.ok && check.reason === "signed_out") redirect("/auth/login");
    if (!check.ok) forbidden();
    return handleForm(options.schema, formData, (input) => run(input, check.actor));
  };
}

/** For the few forms a signed-out visitor may submit (sign-up): the actor is an anonymous visitor. */
export function definePublicAction<S extends z.ZodType>(
  schema: S,
  run: (input: z.infer<S>, actor: Actor) => Promise<string | void>,
) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> =>
    handleForm(schema, formData, (input) => run(input, anonymousVisitor()));
}

async function handleForm<S extends z.ZodType>(
  schema: S,
  formData: FormData,
  run: (input: z.infer<S>) => Promise<string | void>,
): Promise<ActionState> {
  const parsed = parseForm(schema, formData);
  if (!parsed.ok) return parsed.state;
  try {
    const message = await run(parsed.data);
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
}
