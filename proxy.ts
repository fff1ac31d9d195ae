import type { NextRequest } from "next/server";
import { auth0 } from "@/lib/auth/auth0";

// Mounts /auth/* (login, callback, logout) and nothing else; it authorizes nothing: every page
// and handler checks the role itself (lib/auth/viewer.ts). Sessions do not roll (see
// lib/auth/auth0.ts): a rolling update on any other request could land after a sign-out and set
// the session cookie again. (This also keeps the SDK off /me/*, which it would claim for
// Auth0's My Account API; ours are pages.)
export async function proxy(request: NextRequest) {
  return auth0().middleware(request);
}

export const config = {
  matcher: ["/auth/:path*"],
};
