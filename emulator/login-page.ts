import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { ACCOUNT_CREATED_PARAM, escapeHtml } from "./oidc.js";
import { readBody, sendHtml } from "./http.js";
import { RESET_REQUEST_PATH } from "./password-reset.js";
import { verifyPassword } from "./passwords.js";
import type { TenantStore } from "./store.js";
import type { BruteForceProtection } from "./brute-force.js";

/** What Auth0's rule in the GDPR seed returns for a user flagged `app_metadata.deleted`. */
export const DELETED_USER_MESSAGE = "Access denied (deleted user)";
const WRONG_CREDENTIALS_MESSAGE = "Wrong email or password.";
/** Auth0's wording for a brute-force block. */
const USER_BLOCKED_MESSAGE =
  "Your account has been blocked after multiple consecutive login attempts. We've sent you an email with instructions on how to unblock it.";
const IP_THROTTLED_MESSAGE =
  "We have detected suspicious login behavior and further attempts will be blocked. Try again later.";

interface LoginForm {
  action: string;
  email: string;
  error?: string;
  /** Set after a sign-up: the account exists, only the password is left to type. */
  accountCreated?: boolean;
  clientName: string;
}

function renderLoginPage({ action, email, error, accountCreated, clientName }: LoginForm): string {
  // The reset page links back to this login (its interaction id is the last segment of `action`).
  const forgotPasswordUrl = `${RESET_REQUEST_PATH}?login=${encodeURIComponent(action.split("/").pop() ?? "")}`;
  const errorBlock = error ? `<p id="login-error" role="alert" class="error">${escapeHtml(error)}</p>` : "";
  const createdBlock =
    accountCreated && !error
      ? `<p role="status" class="notice">Your account was created. Enter your password to sign in.</p>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in | Consent Portal tenant (Auth0 emulator)</title>
<style>
  *, *::before, *::after { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; background: #f1f5f9; margin: 0; padding: 1rem; display: grid; min-height: 100vh; place-items: center; color: #0f172a; overflow-wrap: anywhere; }
  /* The padding is inside the width, so the card fits a 390 px phone (issue 16). */
  main { background: #fff; padding: 2rem; border-radius: 0.75rem; box-shadow: 0 4px 24px rgb(15 23 42 / 0.1); width: min(24rem, 100%); }
  h1 { font-size: 1.5rem; margin: 0 0 0.25rem; }
  p.lead { margin: 0 0 1.5rem; color: #475569; }
  label { display: block; font-weight: 600; margin: 1rem 0 0.25rem; }
  input { width: 100%; box-sizing: border-box; padding: 0.6rem; border: 1px solid #94a3b8; border-radius: 0.375rem; font-size: 1rem; }
  button { margin-top: 1.5rem; width: 100%; padding: 0.7rem; border: 0; border-radius: 0.375rem; background: #1d4ed8; color: #fff; font-size: 1rem; font-weight: 600; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .notice { background: #f0fdf4; color: #166534; border: 1px solid #bbf7d0; padding: 0.6rem; border-radius: 0.375rem; }
  .error { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; padding: 0.6rem; border-radius: 0.375rem; }
  p.forgot { margin: 0.5rem 0 0; font-size: 0.9rem; }
  footer { margin-top: 1.5rem; font-size: 0.8rem; color: #64748b; }
</style>
</head>
<body>
<main>
  <h1>Welcome</h1>
  <p class="lead">Log in to continue to ${escapeHtml(clientName)}.</p>
  ${createdBlock}
  ${errorBlock}
  <form method="post" action="${escapeHtml(action)}">
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}"${email ? "" : " autofocus"}>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required${email ? " autofocus" : ""}>
    <p class="forgot"><a href="${escapeHtml(forgotPasswordUrl)}">Forgot password?</a></p>
    <button type="submit">Continue</button>
  </form>
  <footer>Local Auth0 emulator: for development and tests only.</footer>
</main>
</body>
</html>`;
}

/** Auth0-style universal login page for oidc-provider interactions at `/u/login/:uid`. */
export async function handleLogin(
  req: IncomingMessage,
  res: ServerResponse,
  provider: Provider,
  store: TenantStore,
  protection: BruteForceProtection,
): Promise<void> {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    sendHtml(
      res,
      400,
      "<!doctype html><title>Login expired</title><p>This login session has expired. Go back to the application and sign in again.</p>",
    );
    return;
  }
  const clientId = typeof details.params.client_id === "string" ? details.params.client_id : "";
  const clientName = store.getClient(clientId)?.name ?? "the application";
  const action = `/u/login/${details.uid}`;

  if (req.method === "GET") {
    const hint = typeof details.params.login_hint === "string" ? details.params.login_hint : "";
    const accountCreated = details.params[ACCOUNT_CREATED_PARAM] === "1";
    sendHtml(res, 200, renderLoginPage({ action, email: hint, accountCreated, clientName }));
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "GET, POST" }).end();
    return;
  }

  const form = new URLSearchParams(await readBody(req));
  const email = (form.get("email") ?? "").trim();
  const password = form.get("password") ?? "";
  const candidate = email ? store.findUserByEmail(email) : undefined;
  const ip = req.socket.remoteAddress ?? "unknown";
  const check = protection.check(ip, candidate?.user_id);
  if (!check.allowed) {
    const error = check.reason === "user_blocked" ? USER_BLOCKED_MESSAGE : IP_THROTTLED_MESSAGE;
    const page = renderLoginPage({ action, email, error, clientName });
    if (check.reason === "ip_throttled") res.setHeader("retry-after", String(check.retryAfterSeconds));
    sendHtml(res, 429, page);
    return;
  }
  const valid = candidate ? await verifyPassword(password, candidate.password_hash) : false;
  // Re-read after the (slow) password check: a Management API PATCH may have landed meanwhile,
  // and saving the stale copy below would undo it.
  const user = candidate && store.getUser(candidate.user_id);
  if (!user || !valid || user.blocked) {
    if (!valid) protection.recordFailure(ip, candidate?.user_id);
    sendHtml(res, 401, renderLoginPage({ action, email, error: WRONG_CREDENTIALS_MESSAGE, clientName }));
    return;
  }
  protection.recordSuccess(ip, user.user_id);
  if (user.app_metadata.deleted === true) {
    // As the seed's rule does: the login fails and the application receives the reason.
    await provider.interactionFinished(req, res, {
      error: "unauthorized",
      error_description: DELETED_USER_MESSAGE,
    });
    return;
  }
  const now = new Date().toISOString();
  store.saveUser({ ...user, last_login: now, logins_count: user.logins_count + 1 });
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.user_id } },
    { mergeWithLastSubmission: false },
  );
}
