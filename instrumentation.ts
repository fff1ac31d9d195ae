import { env } from "@/lib/env";

// Parse configuration at boot so a bad deploy fails before serving a request.
export function register() {
  env();
}
