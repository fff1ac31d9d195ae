import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ManagementApiError } from "./errors.js";
import { sendHtml, sendJson } from "./http.js";
import { escapeHtml } from "./oidc.js";
import type { StoredUser, TenantStore } from "./store.js";

/** Auth0's default lifetime of an email-verification ticket: five days. */
const DEFAULT_TICKET_TTL_SECONDS = 432_000;
/** What Auth0 adds to the result URL once the link was followed (classic Universal Login). */
const VERIFIED_MESSAGE = "Your email was verified. You can continue using the application.";
const USED_MESSAGE = "This URL can be used only once";
const EXPIRED_MESSAGE = "Access expired.";
const TICKET_PATH = "/u/email-verification";
/** The emulator's own mail catcher; Auth0 sends through its email provider instead. */
export const MAILBOX_PATH = "/mailbox";

/** A message the tenant "sent": kept in memory for tests and people running the stack to read. */
export interface CaughtEmail {
  id: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  /** Links in the message, so a reader does not have to parse `text`. */
  links: string[];
  sent_at: string;
}

interface Ticket {
  userId: string;
  resultUrl: string | null;
  includeEmailInRedirect: boolean;
  expiresAt: number;
  used: boolean;
}

interface VerificationJob {
  id: string;
  type: "verification_email";
  status: "completed";
  created_at: string;
}

/** `POST /api/v2/tickets/email-verification` (Management API reference). */
export const emailVerificationTicketSchema = z.strictObject({
  user_id: z.string().min(1),
  result_url: z.url().optional(),
  ttl_sec: z.number().int().min(0).optional(),
  includeEmailInRedirect: z.boolean().optional(),
  client_id: z.string().min(1).optional(),
  organization_id: z.string().min(1).optional(),
  identity: z.strictObject({ user_id: z.string().min(1), provider: z.string().min(1) }).optional(),
});

/** `POST /api/v2/jobs/verification-email` (Management API reference). */
export const verificationEmailJobSchema = z.strictObject({
  user_id: z.string().min(1),
  client_id: z.string().min(1).optional(),
  organization_id: z.string().min(1).optional(),
  identity: z.strictObject({ user_id: z.string().min(1), provider: z.string().min(1) }).optional(),
});

const JOB_PREFIX = "job_";

/**
 * Auth0's address verification: the verification email sent after a database sign-up (and again
 * on `POST /api/v2/jobs/verification-email`), tickets from `POST /api/v2/tickets/email-verification`,
 * and the link that marks `email_verified: true` and redirects to the ticket's `result_url`. The
 * email-sending template's result URL (Auth0: Branding → Email Templates → Verification Email →
 * Redirect To) is `verifyEmailResultUrl`. Mail goes to an in-memory mailbox read over HTTP.
 */
export class EmailVerification {
  private readonly tickets = new Map<string, Ticket>();
  private readonly jobs = new Map<string, VerificationJob>();
  private readonly mailbox: CaughtEmail[] = [];

  constructor(
    private readonly options: {
      issuer: string;
      store: TenantStore;
      tenantName: string;
      /** The verification email template's redirect; null: the link ends on the emulator's own page. */
      verifyEmailResultUrl: string | null;
      /** The template's `includeEmailInRedirect`: the redirect names the address. */
      verifyEmailIncludeEmail: boolean;
    },
  ) {}

  /** Creates a ticket and answers its URL, as Auth0's tickets endpoint does. */
  createTicket(input: z.output<typeof emailVerificationTicketSchema>): { ticket: string } {
    const user = this.findUser(input.user_id);
    const ttl = input.ttl_sec && input.ttl_sec > 0 ? input.ttl_sec : DEFAULT_TICKET_TTL_SECONDS;
    return {
      ticket: this.issueTicket(user, input.result_url ?? null, ttl, input.includeEmailInRedirect ?? false),
    };
  }

  /** Sends the verification email (the job completes at once: the mailbox is local). */
  sendVerificationEmail(user: StoredUser): VerificationJob {
    const link = this.issueTicket(
      user,
      this.options.verifyEmailResultUrl,
      DEFAULT_TICKET_TTL_SECONDS,
      this.options.verifyEmailIncludeEmail,
    );
    this.deliver({
      to: user.email,
      subject: "Verify your email",
      text: [
        `Welcome to ${this.options.tenantName}!`,
        "",
        "Thank you for signing up. Please verify your email address by following this link:",
        "",
        link,
        "",
        "If you are having any issues with your account, please don't hesitate to contact us.",
      ].join("\n"),
      links: [link],
    });
    const job: VerificationJob = {
      id: `${JOB_PREFIX}${randomBytes(8).toString("hex")}`,
      type: "verification_email",
      status: "completed",
      created_at: new Date().toISOString(),
    };
    this.jobs.set(job.id, job);
    return job;
  }

  /** Puts a message the tenant sends into the mailbox (verification here, password reset too). */
  deliver(message: Pick<CaughtEmail, "to" | "subject" | "text" | "links">): void {
    this.mailbox.push({
      id: randomBytes(8).toString("hex"),
      from: `no-reply@${this.options.tenantName}.auth0.local`,
      ...message,
      sent_at: new Date().toISOString(),
    });
  }

  /** `POST /api/v2/jobs/verification-email`: the user must exist. */
  handleVerificationEmailJob(input: z.output<typeof verificationEmailJobSchema>): VerificationJob {
    return this.sendVerificationEmail(this.findUser(input.user_id));
  }

  /** A verification job by id, or undefined for any other job (users exports). */
  job(id: string): VerificationJob | undefined {
    return this.jobs.get(id);
  }

  /** `GET /mailbox?to=address`: the messages sent to an address, oldest first (all without `to`). */
  handleMailbox(res: ServerResponse, url: URL): void {
    const to = url.searchParams.get("to")?.toLowerCase();
    sendJson(res, 200, { messages: this.mailbox.filter((message) => to === undefined || message.to === to) });
  }

  /** `GET /u/email-verification?ticket=…`: verifies the address once, then redirects. */
  handleLink(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    const ticket = this.tickets.get(url.searchParams.get("ticket") ?? "");
    if (!ticket) {
      this.finish(res, null, { success: false, message: "Invalid ticket." });
      return;
    }
    const user = this.options.store.getUser(ticket.userId);
    if (ticket.used || !user) {
      this.finish(res, ticket, { success: false, message: USED_MESSAGE });
      return;
    }
    if (Date.now() > ticket.expiresAt) {
      this.finish(res, ticket, { success: false, message: EXPIRED_MESSAGE });
      return;
    }
    ticket.used = true;
    this.options.store.saveUser({ ...user, email_verified: true, updated_at: new Date().toISOString() });
    this.finish(res, ticket, { success: true, message: VERIFIED_MESSAGE, email: user.email });
  }

  private issueTicket(user: StoredUser, resultUrl: string | null, ttlSeconds: number, includeEmail: boolean) {
    const id = randomBytes(24).toString("base64url");
    this.tickets.set(id, {
      userId: user.user_id,
      resultUrl,
      includeEmailInRedirect: includeEmail,
      expiresAt: Date.now() + ttlSeconds * 1000,
      used: false,
    });
    const link = new URL(TICKET_PATH, this.options.issuer);
    link.searchParams.set("ticket", id);
    return `${link.toString()}#`;
  }

  private findUser(userId: string): StoredUser {
    const user = this.options.store.getUser(userId);
    if (!user) throw new ManagementApiError(404, "The user does not exist.", "inexistent_user");
    return user;
  }

  /** Auth0 redirects to the result URL with what happened in the query; without one it shows a page. */
  private finish(
    res: ServerResponse,
    ticket: Ticket | null,
    outcome: { success: boolean; message: string; email?: string },
  ): void {
    if (ticket?.resultUrl) {
      const target = new URL(ticket.resultUrl);
      target.searchParams.set("supportSignUp", "true");
      target.searchParams.set("supportForgotPassword", "true");
      if (ticket.includeEmailInRedirect && outcome.email) target.searchParams.set("email", outcome.email);
      target.searchParams.set("message", outcome.message);
      target.searchParams.set("success", String(outcome.success));
      target.searchParams.set("code", outcome.success ? "success" : "access_denied");
      res.writeHead(302, { location: target.toString(), "cache-control": "no-store" }).end();
      return;
    }
    sendHtml(
      res,
      outcome.success ? 200 : 400,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Email verification</title></head>` +
        `<body><main><h1>${outcome.success ? "Email verified" : "Email verification failed"}</h1>` +
        `<p role="status">${escapeHtml(outcome.message)}</p></main></body></html>`,
    );
  }
}
