import { NextResponse } from "next/server";

// Liveness for the start script and load balancers; reveals nothing.
export function GET() {
  return NextResponse.json({ status: "ok" });
}
