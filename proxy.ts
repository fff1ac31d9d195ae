import { NextResponse, type NextRequest } from "next/server";
import { auth0 } from "@/lib/auth/auth0";

// Mounts /auth/* (login, callback, logout) and rolls the session; it authorizes nothing:
// every page and handler checks the role itself (lib/auth/viewer.ts).
export async function proxy(request: NextRequest) {
  // The SDK claims every /me/* path for Auth0's My Account API proxy; ours are pages.
  if (request.nextUrl.pathname.startsWith("/me/")) return NextResponse.next();
  return auth0().middleware(request);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|sitemap.xml|robots.txt).*)"],
};
