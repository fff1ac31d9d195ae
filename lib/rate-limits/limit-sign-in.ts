import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { isAppError } from "@/lib/errors";
import { requestAddress } from "@/lib/http/request-context";
import { consumeRateLimit } from "./rate-limits";

/**
 * Sign-ins started from one address (`/auth/login`), before the SDK sends anyone to Auth0: a 429
 * page with Retry-After past the limit, or null to go on. The password attempts themselves are
 * Auth0's to limit (brute-force protection; the emulator does the same).
 */
export async function limitSignInStart(request: NextRequest): Promise<NextResponse | null> {
  try {
    await consumeRateLimit("signInPerIp", requestAddress(request.headers));
    return null;
  } catch (error) {
    if (!isAppError(error, "rate_limited")) throw error;
    return new NextResponse(error.message, {
      status: 429,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...error.headers },
    });
  }
}
