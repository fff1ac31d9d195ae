// The portal's sign-in routes (the Auth0 SDK's /auth/*, as proxy.ts hands them over) served over
// HTTP from the test process, with a browser that follows redirects and keeps cookies: sessions
// are created, ended and replayed exactly as in production, against the emulator and the test
// file's database. `/whoami` answers who the session cookie is (lib/auth/viewer.ts).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { auth0 } from "@/lib/auth/auth0";
import { viewerFromSession } from "@/lib/auth/viewer";

export interface PortalAuthServer {
  origin: string;
  close(): Promise<void>;
}

async function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Listens on a free port; the SDK is configured on first use, so set APP_BASE_URL to `origin` first. */
export async function startPortalAuthServer(): Promise<PortalAuthServer> {
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const url = new URL(incoming.url ?? "/", origin);
      const body =
        incoming.method === "GET" || incoming.method === "HEAD" ? undefined : await readRequestBody(incoming);
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const request = new NextRequest(url, {
        method: incoming.method,
        headers,
        body: body ? new Uint8Array(body) : undefined,
      });
      let response: Response;
      if (url.pathname.startsWith("/auth/")) {
        response = await auth0().middleware(request);
      } else if (url.pathname === "/whoami") {
        response = Response.json({ viewer: await viewerFromSession(await auth0().getSession(request)) });
      } else {
        response = new Response("not found", { status: 404 });
      }
      const setCookies = response.headers.getSetCookie();
      const plain: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") plain[name] = value;
      });
      outgoing.writeHead(response.status, { ...plain, ...(setCookies.length ? { "set-cookie": setCookies } : {}) });
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      outgoing.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A browser's cookies for localhost (cookies do not tell ports apart), and redirects followed by hand. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private keep(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const separator = pair?.indexOf("=") ?? -1;
      if (!pair || separator < 0) continue;
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1);
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request with this browser's cookies; no redirect followed. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: this.cookieHeader() },
    });
    this.keep(response);
    return response;
  }

  /** Follows redirects (at most 15) and returns the first response that is not one. */
  async visit(url: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.request(url, init);
    let current = url;
    for (let hop = 0; hop < 15; hop += 1) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.arrayBuffer();
      current = new URL(location, current).toString();
      response = await this.request(current);
    }
    throw new Error("too many redirects");
  }

  /** Signs in at the portal through the emulator's login page, as a person at a browser would. */
  async signIn(portalOrigin: string, email: string, password: string): Promise<Response> {
    const loginPage = await this.visit(`${portalOrigin}/auth/login`);
    const html = await loginPage.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`expected the emulator's login page, got ${loginPage.status}: ${html.slice(0, 200)}`);
    const emulatorOrigin = new URL(loginPage.url).origin;
    return this.visit(new URL(action.replaceAll("&amp;", "&"), emulatorOrigin).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password }).toString(),
    });
  }

  /** Who the portal says this browser is (null: no session). */
  async whoami(portalOrigin: string): Promise<{ userId: string; roles: string[]; sessionId: string | null } | null> {
    const response = await this.request(`${portalOrigin}/whoami`);
    const body = (await response.json()) as {
      viewer: { userId: string; roles: string[]; sessionId: string | null } | null;
    };
    return body.viewer;
  }
}
