// Signs a demo account in to the portal over plain HTTP, as a browser would (the portal's
// /auth/login, the emulator's login form, back to /auth/callback), and reads staff pages with
// the session cookie: how the scenarios look at what the dashboard and the integrity page show.
import { DEMO_PASSWORD } from "../emulator/demo-users.js";

/** Cookies by name: the portal and the emulator both live on localhost and use distinct names. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const separator = pair?.indexOf("=") ?? -1;
      if (!pair || separator < 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface PortalSession {
  /** GETs a page of the portal with the session; returns its status and HTML. */
  page(path: string): Promise<{ status: number; html: string }>;
}

/** Signs in `email` (a demo account, DEMO_PASSWORD) to the portal at `portalUrl`. */
export async function signIn(portalUrl: string, email: string, password = DEMO_PASSWORD): Promise<PortalSession> {
  const jar = new CookieJar();
  const get = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
    });
    jar.store(response);
    return response;
  };
  /** Follows redirects from `url` until a page answers; returns it and its URL. */
  const follow = async (start: string, init?: RequestInit) => {
    let url = start;
    let response = await get(url, init);
    for (let hop = 0; hop < 15; hop += 1) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { response, url };
      await response.body?.cancel();
      url = new URL(location, url).toString();
      response = await get(url);
    }
    throw new Error(`too many redirects signing in ${email}`);
  };

  const loginPage = await follow(`${portalUrl}/auth/login`);
  await loginPage.response.body?.cancel();
  if (!/\/u\/login\//.test(loginPage.url)) {
    throw new Error(`expected the emulator's login page, got ${loginPage.response.status} at ${loginPage.url}`);
  }
  const landed = await follow(loginPage.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
  });
  await landed.response.body?.cancel();
  if (!landed.url.startsWith(portalUrl)) {
    throw new Error(`signing in ${email} ended at ${landed.url} (${landed.response.status})`);
  }
  return {
    page: async (path) => {
      const response = await get(`${portalUrl}${path}`);
      return { status: response.status, html: await response.text() };
    },
  };
}

/** The text of the element with `data-testid="<id>"` (tags stripped), or null. */
export function textOfTestId(html: string, id: string): string | null {
  const start = html.indexOf(`data-testid="${id}"`);
  if (start < 0) return null;
  const open = html.lastIndexOf("<", start);
  const tag = /^<(\w+)/.exec(html.slice(open))?.[1];
  if (!tag) return null;
  // Nested elements of the same tag are rare in these tiles; the first closing tag ends it.
  const end = html.indexOf(`</${tag}>`, start);
  return html
    .slice(html.indexOf(">", start) + 1, end)
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}
