import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { BruteForceProtection } from "./brute-force.js";
import type { DatabaseConnection } from "./connections.js";
import type { EmailVerification } from "./email-verification.js";
import { ManagementApiError } from "./errors.js";
import { readAuthenticationBody, readBody, sendHtml, sendJson } from "./http.js";
import { escapeHtml } from "./oidc.js";
import { checkPassword } from "./password-policy.js";
import { hashPassword } from "./passwords.js";
import type { StoredUser, TenantStore } from "./store.js";

/** Auth0's answer to every well-formed change_password request: it never says whether the account exists. */
export const RESET_EMAIL_SENT = "We've just sent you an email to reset your password.";
/** Auth0's default lifetime of a password-change ticket and of the reset email's link: five days. */
const DEFAULT_TICKET_TTL_SECONDS = 432_000;
export const RESET_PATH = "/u/reset-password";
export const RESET_REQUEST_PATH = "/u/reset-password/request";

interface Ticket {
  userId: string;
  resultUrl: string | null;
  expiresAt: number;
  used: boolean;
  markEmailAsVerified: boolean;
}

/** `POST /dbconnections/change_password` (Authentication API). */
const changePasswordSchema = z.object({
  client_id: z.string().min(1),
  email: z.string().min(1),
  connection: z.string().min(1),
  organization: z.string().optional(),
});

/** `POST /api/v2/tickets/password-change` (Management API): a user, or an email with its connection. */
export const passwordChangeTicketSchema = z.strictObject({
  result_url: z.url().optional(),
  user_id: z.string().min(1).optional(),
  client_id: z.string().min(1).optional(),
  organization_id: z.string().min(1).optional(),
  connection_id: z.string().min(1).optional(),
  email: z.email().optional(),
  ttl_sec: z.number().int().min(0).optional(),
  mark_email_as_verified: z.boolean().optional(),
  includeEmailInRedirect: z.boolean().optional(),
});

function page(title: string, body: string, status = 200) {
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} | Auth0 emulator</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  };
}

/**
 * Auth0's password reset for the database connection: the Authentication API's change_password
 * request, the "Forgot password?" page of the login screen, Management API tickets, the email with
 * the link (in the emulator's mailbox), and the page that sets the new password under the tenant's
 * password policy. A ticket works once and until it expires. A reset also lifts brute-force blocks.
 */
export class PasswordReset {
  private readonly tickets = new Map<string, Ticket>();

  constructor(
    private readonly options: {
      issuer: string;
      store: TenantStore;
      connection: DatabaseConnection;
      tenantName: string;
      mail: EmailVerification;
      bruteForce: BruteForceProtection;
    },
  ) {}

  /** `POST /dbconnections/change_password`: emails a reset link if the account exists; the same answer either way. */
  async handleChangePassword(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const body = await readAuthenticationBody(req);
    if ("error" in body) return this.badRequest(res, body.error);
    const { input } = body;
    const parsed = changePasswordSchema.safeParse(input);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join(".") ?? "body";
      return this.badRequest(res, `Missing required parameter: ${field}`);
    }
    if (!this.options.store.getClient(parsed.data.client_id)) {
      return this.badRequest(res, `Unknown client: ${parsed.data.client_id}`);
    }
    if (parsed.data.connection !== this.options.connection.name) {
      return this.badRequest(res, "connection not found");
    }
    this.requestReset(parsed.data.email);
    sendJson(res, 200, RESET_EMAIL_SENT);
  }

  /** `/u/reset-password/request`: the page behind the login screen's "Forgot password?" link. */
  async handleRequestPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // The login page passes its interaction id, to link back to it.
    const login = url.searchParams.get("login");
    const back =
      login && /^[\w-]+$/.test(login) ? `<p><a href="/u/login/${escapeHtml(login)}">Back to log in</a></p>` : "";
    if (req.method === "POST") {
      const email = (new URLSearchParams(await readBody(req)).get("email") ?? "").trim();
      if (email) this.requestReset(email);
      const done = page("Check your email", `<p role="status">${escapeHtml(RESET_EMAIL_SENT)}</p>${back}`);
      sendHtml(res, done.status, done.html);
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET, POST" }).end();
      return;
    }
    const form = page(
      "Forgot your password?",
      `<p>Enter your email address and we will send you instructions to reset your password.</p>
<form method="post"><label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus>
<button type="submit">Continue</button></form>${back}`,
    );
    sendHtml(res, form.status, form.html);
  }

  /** `POST /api/v2/tickets/password-change`: a reset link for a user, not emailed. */
  createTicket(input: z.output<typeof passwordChangeTicketSchema>): { ticket: string } {
    let user: StoredUser | undefined;
    if (input.user_id !== undefined) {
      if (input.email !== undefined || input.connection_id !== undefined) {
        throw new ManagementApiError(400, "user_id cannot be used with email or connection_id", "invalid_body");
      }
      user = this.options.store.getUser(input.user_id);
    } else {
      if (input.email === undefined || input.connection_id === undefined) {
        throw new ManagementApiError(400, "Missing user_id, or email and connection_id", "invalid_body");
      }
      if (input.connection_id !== this.options.connection.id) {
        throw new ManagementApiError(404, "The connection does not exist", "inexistent_connection");
      }
      user = this.options.store.findUserByEmail(input.email);
    }
    if (!user) throw new ManagementApiError(404, "The user does not exist.", "inexistent_user");
    const ttl = input.ttl_sec && input.ttl_sec > 0 ? input.ttl_sec : DEFAULT_TICKET_TTL_SECONDS;
    return {
      ticket: this.issueTicket(user, {
        resultUrl: input.result_url ?? null,
        ttlSeconds: ttl,
        markEmailAsVerified: input.mark_email_as_verified ?? false,
      }),
    };
  }

  /** `/u/reset-password?ticket=…`: GET shows the form, POST sets the password once. */
  async handleResetPage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const ticketId = url.searchParams.get("ticket") ?? "";
    const ticket = this.tickets.get(ticketId);
    const user = ticket && this.options.store.getUser(ticket.userId);
    const refusal =
      !ticket || !user
        ? "This link is not valid."
        : ticket.used
          ? "This link has already been used. Request a new one to reset your password again."
          : Date.now() > ticket.expiresAt
            ? "This link has expired. Request a new one to reset your password."
            : null;
    if (refusal || !ticket || !user) {
      const refused = page("Reset link not valid", `<p role="alert">${escapeHtml(refusal ?? "")}</p>`, 400);
      sendHtml(res, refused.status, refused.html);
      return;
    }
    if (req.method === "GET") {
      const form = this.resetForm(user.email);
      sendHtml(res, form.status, form.html);
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "GET, POST" }).end();
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const password = form.get("password") ?? "";
    const confirmation = form.get("confirmPassword") ?? "";
    const problem =
      password !== confirmation ? "The passwords do not match." : (checkPassword(password)?.message ?? null);
    if (problem) {
      const again = this.resetForm(user.email, problem);
      sendHtml(res, again.status, again.html);
      return;
    }
    ticket.used = true;
    const passwordHash = await hashPassword(password);
    // Re-read: a Management API change may have landed during the hash.
    const current = this.options.store.getUser(user.user_id) ?? user;
    this.options.store.saveUser({
      ...current,
      password_hash: passwordHash,
      ...(ticket.markEmailAsVerified ? { email_verified: true } : {}),
      updated_at: new Date().toISOString(),
    });
    this.options.bruteForce.unblock(user.user_id);
    if (ticket.resultUrl) {
      const target = new URL(ticket.resultUrl);
      target.searchParams.set("success", "true");
      target.searchParams.set("message", "Your password has been changed successfully.");
      res.writeHead(302, { location: target.toString(), "cache-control": "no-store" }).end();
      return;
    }
    const done = page("Password changed", `<p role="status">Your password has been changed successfully.</p>`);
    sendHtml(res, done.status, done.html);
  }

  private requestReset(email: string): void {
    const user = this.options.store.findUserByEmail(email);
    if (!user) return; // The same answer: no account enumeration.
    const link = this.issueTicket(user, {
      resultUrl: null,
      ttlSeconds: DEFAULT_TICKET_TTL_SECONDS,
      markEmailAsVerified: false,
    });
    this.options.mail.deliver({
      to: user.email,
      subject: "Reset your password",
      text: [
        "We received a request to reset the password of your account.",
        "",
        "To reset your password, follow this link:",
        "",
        link,
        "",
        "If you did not ask for this, you can ignore this email: your password stays as it is.",
      ].join("\n"),
      links: [link],
    });
  }

  private issueTicket(
    user: StoredUser,
    options: { resultUrl: string | null; ttlSeconds: number; markEmailAsVerified: boolean },
  ): string {
    const id = randomBytes(24).toString("base64url");
    this.tickets.set(id, {
      userId: user.user_id,
      resultUrl: options.resultUrl,
      expiresAt: Date.now() + options.ttlSeconds * 1000,
      used: false,
      markEmailAsVerified: options.markEmailAsVerified,
    });
    const link = new URL(RESET_PATH, this.options.issuer);
    link.searchParams.set("ticket", id);
    return `${link.toString()}#`;
  }

  private resetForm(email: string, error?: string) {
    return page(
      "Change your password",
      `<p>Enter a new password for ${escapeHtml(email)}.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post"><label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus>
<label for="confirmPassword">Re-enter new password</label>
<input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password" required>
<button type="submit">Reset password</button></form>`,
      error ? 400 : 200,
    );
  }

  /** The Authentication API's error shape (as for signup). */
  private badRequest(res: ServerResponse, description: string): void {
    sendJson(res, 400, { name: "BadRequestError", code: "invalid_request", description, statusCode: 400 });
  }
}
